import { afterEach, describe, expect, it } from 'vitest';
import { call, createHarness, type Harness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

describe('prompt caching across a session', () => {
  it('keeps every turn after the first a repeat of the previous prefix: cacheable share ≥ 0.9 over 20 turns', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 19 }, (_, i) => [
        `src/module-${String(i)}.ts`,
        `export const value${String(i)} = ${String(i)};\n`.repeat(40),
      ]),
    );
    harness = await createHarness(
      {
        implementer: [
          ...Array.from({ length: 19 }, (_, i) =>
            call('read_file', { path: `src/module-${String(i)}.ts` }),
          ),
          { reply: { text: 'stopping here' } },
        ],
      },
      files,
    );
    const outcome = await harness.run('implementer');
    expect(outcome.turns).toBe(20);
    const later = harness.server.requests.slice(1);
    const input = later.reduce((sum, r) => sum + r.inputTokens, 0);
    const cacheable = later.reduce((sum, r) => sum + r.cacheableShare * r.inputTokens, 0);
    expect(cacheable / input).toBeGreaterThanOrEqual(0.9);
    expect(outcome.usage.cacheRead).toBeGreaterThan(outcome.usage.input + outcome.usage.cacheWrite);
  });
});

import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../bench/lib/random.ts';
import { measureCache, scriptSession } from '../../../bench/lib/session-sim.ts';
import type { SystemBlock } from '../../../src/agent/context/index.ts';

const SYSTEM: SystemBlock[] = [
  { type: 'text', text: 'role prompt '.repeat(2_000) },
  { type: 'text', text: 'constitution '.repeat(2_000), cache_control: { type: 'ephemeral' } },
  { type: 'text', text: 'decisions '.repeat(3_000) },
];

const session = (breakpointOnLatestMessage: boolean) =>
  scriptSession({
    system: SYSTEM,
    user: 'the task',
    turns: 20,
    random: createRandom(5),
    breakpointOnLatestMessage,
  });

describe('the bench measure of cacheable input', () => {
  it('counts nothing cacheable on the first request of a session', () => {
    expect(measureCache(session(true).slice(0, 1)).cacheableShare).toBe(0);
  });

  it('finds most input cacheable when the newest message carries a breakpoint', () => {
    const requests = session(true);
    expect(requests).toHaveLength(20);
    const last = requests.at(-1)?.messages.at(-1)?.content;
    expect(Array.isArray(last) && last.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(measureCache(requests).cacheableShare).toBeGreaterThan(0.85);
  });

  it('finds only the system prefix cacheable without it', () => {
    const withBreakpoint = measureCache(session(true));
    const without = measureCache(session(false));
    expect(without.totalInputTokens).toBe(withBreakpoint.totalInputTokens);
    expect(without.cacheableShare).toBeLessThan(withBreakpoint.cacheableShare / 2);
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import { readOutcomeFiles, TRANSCRIPT_FILE } from '../../src/entrypoints/outcome-files.ts';
import { spentInTranscript } from '../../src/stages/spent-before-crash.ts';

const { prices } = defaultConfig();
const MODEL = 'claude-sonnet-4-6';

/** A transcript as the agent runtime writes it: one JSON object per line. */
function transcript(...entries: unknown[]): string {
  return entries.map((entry) => JSON.stringify(entry)).join('\n') + '\n';
}

const answered = (usage: Record<string, number>) => ({
  type: 'response',
  at: '2026-11-27T00:00:00Z',
  status: 200,
  body: { id: 'msg_1', model: MODEL, usage },
});

describe('what a session spent before its job died (R-16)', () => {
  it('adds up the usage of every answered request and prices it by the session’s model', () => {
    const text = transcript(
      { type: 'session', role: 'implementer', model: MODEL, at: '2026-11-27T00:00:00Z' },
      { type: 'request', at: '2026-11-27T00:00:00Z', url: 'x', body: {} },
      answered({ input_tokens: 1_000_000, output_tokens: 0, cache_creation_input_tokens: 0 }),
      { type: 'response', at: '2026-11-27T00:00:01Z', status: 529, body: { type: 'error' } },
      answered({ input_tokens: 0, output_tokens: 1_000_000, cache_read_input_tokens: 0 }),
    );
    const price = prices[MODEL];
    if (price === undefined) throw new Error(`no price for ${MODEL}`);

    expect(spentInTranscript(text, prices)).toEqual({
      tokens: 2_000_000,
      dollars: price.inputPerMTok + price.outputPerMTok,
    });
  });

  it('counts nothing for lines that are not answered requests, and tokens only for an unpriced model', () => {
    expect(spentInTranscript('', prices)).toEqual({ tokens: 0, dollars: 0 });
    expect(spentInTranscript('not json\n{"type":"response","status":200}\n', prices)).toEqual({
      tokens: 0,
      dollars: 0,
    });
    const unpriced = transcript({
      ...answered({ input_tokens: 10, output_tokens: 5 }),
      body: { model: 'someone-elses-model', usage: { input_tokens: 10, output_tokens: 5 } },
    });
    expect(spentInTranscript(unpriced, prices)).toEqual({ tokens: 15, dollars: 0 });
  });

  it('reads the transcript of a job that left no outcome, and only then', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outcome-'));
    const text = transcript(answered({ input_tokens: 3, output_tokens: 4 }));
    await writeFile(join(dir, TRANSCRIPT_FILE), text);

    expect(await readOutcomeFiles(dir)).toEqual({
      found: false,
      artifact: undefined,
      patch: undefined,
      crashedTranscript: text,
    });
    const empty = await mkdtemp(join(tmpdir(), 'outcome-'));
    expect((await readOutcomeFiles(empty)).crashedTranscript).toBe('');
  });
});

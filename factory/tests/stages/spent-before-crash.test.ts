import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/agent/redact.ts';
import {
  createRecordingFetch,
  openTranscript,
  type Transcript,
} from '../../src/agent/transcript.ts';
import { defaultConfig } from '../../src/core/config.ts';
import {
  OUTCOME_FILE,
  readOutcomeFiles,
  TRANSCRIPT_FILE,
} from '../../src/entrypoints/outcome-files.ts';
import { spentInTranscript } from '../../src/stages/spent-before-crash.ts';

const { prices } = defaultConfig();
const MODEL = 'claude-sonnet-4-6';
const PRICE = prices[MODEL];

const TEXT = [{ type: 'text', text: 'done' }];

/** A Messages API answer as the SDK receives it. */
function answer(usage: Record<string, number>, content: unknown[] = TEXT, status = 200): Response {
  const body = { id: 'msg_1', type: 'message', model: MODEL, content };
  return new Response(JSON.stringify(status === 200 ? { ...body, usage } : { type: 'error' }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** A Messages request as the SDK sends it: a reply of at most `max_tokens`. */
const REQUEST = JSON.stringify({ model: MODEL, max_tokens: 1_000_000, messages: [] });

const send = (fetch: typeof globalThis.fetch) =>
  fetch('https://api.anthropic.com/v1/messages', { method: 'POST', body: REQUEST });

/** An outcome folder whose transcript the session's recording fetch wrote, as in the agent job. */
async function sessionThatDied(answers: readonly Response[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'outcome-'));
  const transcript = await openTranscript(join(dir, TRANSCRIPT_FILE), createRedactor([]));
  for (const response of answers)
    await send(createRecordingFetch(transcript, () => Promise.resolve(response)));
  return dir;
}

describe('what a session spent when its job left no usable outcome (R-16)', () => {
  it('adds up the usage every answered request reported and prices it by its model', async () => {
    const dir = await sessionThatDied([
      answer({ input_tokens: 1_000_000, output_tokens: 0, cache_creation_input_tokens: 0 }),
      answer({}, [], 529),
      answer({ input_tokens: 0, output_tokens: 1_000_000, cache_read_input_tokens: 0 }),
    ]);

    const received = await readOutcomeFiles(dir);

    expect(received).toMatchObject({ found: false, artifact: undefined });
    expect(spentInTranscript(received.usageLines, prices)).toEqual({
      tokens: 2_000_000,
      dollars: (PRICE?.inputPerMTok ?? NaN) + (PRICE?.outputPerMTok ?? NaN),
    });
  });

  it('still counts an answer whose text redaction made unreadable (a secret-shaped run across fields)', async () => {
    const dir = await sessionThatDied([
      // The key's ends sit at different depths: the redacted span takes a `{` with it.
      answer({ input_tokens: 1_000_000, output_tokens: 0 }, [
        { type: 'text', text: '-----BEGIN RSA PRIVATE KEY-----' },
        {
          type: 'tool_use',
          id: 'toolu_1',
          name: 'run',
          input: { command: 'echo -----END RSA PRIVATE KEY-----' },
        },
      ]),
    ]);
    const lines = (await readFile(join(dir, TRANSCRIPT_FILE), 'utf8')).trim().split('\n');
    const readable = lines.filter((line) => {
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    });
    expect(readable.length).toBeLessThan(lines.length); // the answer's own line no longer parses

    const { usageLines } = await readOutcomeFiles(dir);

    expect(spentInTranscript(usageLines, prices).dollars).toBe(PRICE?.inputPerMTok);
  });

  it('counts it for a malformed outcome too, and not at all beside a valid one', async () => {
    const dir = await sessionThatDied([answer({ input_tokens: 10, output_tokens: 5 })]);
    await writeFile(join(dir, OUTCOME_FILE), '{"truncated":');
    const malformed = await readOutcomeFiles(dir);
    expect(malformed).toMatchObject({ found: true, artifact: undefined });
    expect(spentInTranscript(malformed.usageLines, prices).tokens).toBe(15);
  });

  it('prices by the model the session was configured with when an answer names a dated one', () => {
    const lines = [
      JSON.stringify({ type: 'session', role: 'implementer', model: MODEL, at: 'now' }),
      JSON.stringify({
        type: 'usage',
        model: `${MODEL}-20260101`,
        usage: { input_tokens: 1_000_000, output_tokens: 0 },
      }),
    ];
    expect(spentInTranscript(lines, prices).dollars).toBe(PRICE?.inputPerMTok);
  });

  it('counts nothing for lines that are not reported usage, and tokens only for an unpriced model', () => {
    expect(spentInTranscript([], prices)).toEqual({ tokens: 0, dollars: 0 });
    expect(
      spentInTranscript(['{"type":"usage"', '{"type":"usage","model":"x","usage":{}}'], prices),
    ).toEqual({ tokens: 0, dollars: 0 });
    const unpriced = JSON.stringify({
      type: 'usage',
      model: 'someone-elses-model',
      usage: { input_tokens: 10, output_tokens: 5 },
    });
    expect(spentInTranscript([unpriced], prices)).toEqual({ tokens: 15, dollars: 0 });
  });

  it('R-16: counts the most each request could cost that got no answer, in dollars, not tokens', async () => {
    const transcript = await emptyTranscript();
    // Twice the connection failed (each may have reached the API all the same), then an answer.
    for (const failed of [1, 2])
      await send(
        recording(transcript, () =>
          Promise.reject(new TypeError(`fetch failed ${String(failed)}`)),
        ),
      ).catch(() => undefined);
    await send(
      recording(transcript, () =>
        Promise.resolve(answer({ input_tokens: 1_000_000, output_tokens: 0 })),
      ),
    );

    const { usageLines } = await readOutcomeFiles(transcript.dir);

    expect(spentInTranscript(usageLines, prices)).toEqual({
      tokens: 1_000_000,
      dollars: 2 * BOUND_DOLLARS + (PRICE?.inputPerMTok ?? NaN),
    });
  });

  it('R-16: counts the request the job died waiting for, and not the one answered 529 before it', async () => {
    const transcript = await emptyTranscript();
    await send(
      recording(transcript, () =>
        Promise.resolve(answer({ input_tokens: 1_000_000, output_tokens: 0 })),
      ),
    );
    // Overloaded, retried, and the job dies while the retry is in flight: one bound counts.
    await send(recording(transcript, () => Promise.resolve(answer({}, [], 529))));
    void send(recording(transcript, () => new Promise<Response>(() => undefined)));
    await transcript.write({ type: 'outcome', at: 'never', outcome: {} }); // waits for the lines

    const { usageLines } = await readOutcomeFiles(transcript.dir);

    expect(spentInTranscript(usageLines, prices)).toEqual({
      tokens: 1_000_000,
      dollars: (PRICE?.inputPerMTok ?? NaN) + BOUND_DOLLARS,
    });
  });

  it('R-16: counts nothing for a request answered 529 when the job died before its retry', async () => {
    const transcript = await emptyTranscript();
    await send(recording(transcript, () => Promise.resolve(answer({}, [], 529))));

    const { usageLines } = await readOutcomeFiles(transcript.dir);

    expect(spentInTranscript(usageLines, prices)).toEqual({ tokens: 0, dollars: 0 });
  });

  it('R-16: counts a request whose answer broke off while it was read as one that got none', async () => {
    const transcript = await emptyTranscript();
    const brokenBody = new ReadableStream({
      start(controller) {
        controller.error(new TypeError('terminated'));
      },
    });
    await send(recording(transcript, () => Promise.resolve(new Response(brokenBody)))).catch(
      () => undefined,
    );

    const { usageLines } = await readOutcomeFiles(transcript.dir);

    expect(spentInTranscript(usageLines, prices)).toEqual({ tokens: 0, dollars: BOUND_DOLLARS });
  });
});

/** At most: every byte of `REQUEST` a token written to the cache, and a full reply. */
const BOUND_DOLLARS =
  (Buffer.byteLength(REQUEST) * (PRICE?.cacheWritePerMTok ?? NaN)) / 1_000_000 +
  (PRICE?.outputPerMTok ?? NaN);

/** A fresh transcript in a fresh outcome folder, as the agent job opens it. */
async function emptyTranscript() {
  const dir = await mkdtemp(join(tmpdir(), 'outcome-'));
  const transcript = await openTranscript(join(dir, TRANSCRIPT_FILE), createRedactor([]));
  return Object.assign(transcript, { dir });
}

const recording = (transcript: Transcript, answerWith: typeof fetch) =>
  createRecordingFetch(transcript, answerWith);

/**
 * Session transcripts: every request and response on the wire, one JSON object per line, redacted
 * before it touches the disk. The stage uploads the file as an artifact; people read it to see
 * exactly what the model was asked and answered, retries included.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type TranscriptEntry =
  | { readonly type: 'session'; readonly role: string; readonly model: string; readonly at: string }
  | { readonly type: 'request'; readonly at: string; readonly url: string; readonly body: unknown }
  | {
      readonly type: 'response';
      readonly at: string;
      readonly status: number;
      readonly body: unknown;
    }
  | {
      /** The usage an answered request reported, on a line of its own (see `recordUsage`). */
      readonly type: 'usage';
      readonly at: string;
      readonly model: string;
      readonly usage: Readonly<Record<string, number>>;
    }
  | {
      /**
       * The most the request about to go out can cost, in the API's usage fields (`boundOf`):
       * what a job that dies before the answer is charged (R-16, `spentInTranscript`).
       */
      readonly type: 'bound';
      readonly at: string;
      readonly model: string;
      readonly usage: Readonly<Record<string, number>>;
    }
  | {
      /**
       * The request since its `bound` line got no answer: the connection failed or timed out. It
       * may still have reached the API and been billed, so it is charged at its bound.
       */
      readonly type: 'no-answer';
      readonly at: string;
      readonly error: string;
    }
  | { readonly type: 'outcome'; readonly at: string; readonly outcome: unknown };

export interface Transcript {
  readonly path: string;
  write(entry: TranscriptEntry): Promise<void>;
}

/** Creates (or empties) the transcript file; every line passes through `redact` first. */
export async function openTranscript(
  file: string,
  redact: (text: string) => string,
): Promise<Transcript> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '', { mode: 0o600 });
  let queue = Promise.resolve();
  return {
    path: file,
    write(entry) {
      const line = redact(JSON.stringify(entry)) + '\n';
      // Appends are chained so lines never interleave, whatever order callers await in.
      queue = queue.then(() => appendFile(file, line));
      return queue;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function bodyText(body: RequestInit['body']): string {
  return typeof body === 'string' ? body : body == null ? '' : '[non-text body]';
}

/** What the session learns of each attempt as the recording `fetch` makes it. */
export interface AttemptObserver {
  /** An answer arrived with this status. */
  readonly onStatus?: (status: number) => void;
  /** No answer arrived (the request threw); `bound` is the most it can cost, if it is a Messages request. */
  readonly onNoAnswer?: (bound: RequestBound | undefined) => void;
}

export interface RequestBound {
  readonly model: string;
  /** In the API's usage fields. */
  readonly usage: BoundUsage;
}

type BoundUsage = Readonly<
  Record<
    'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens',
    number
  >
>;

/**
 * A `fetch` that records each request body and response body in the transcript. The SDK calls it
 * once per attempt, so retried 429/529/5xx answers show up too. Headers are never recorded: they
 * carry the key. Before each request it writes the most that request can cost (`boundOf`), and
 * after one that got no answer, a `no-answer` line.
 */
export function createRecordingFetch(
  transcript: Transcript,
  inner: typeof fetch = fetch,
  observer: AttemptObserver = {},
): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const sent = bodyText(init?.body);
    const bound = boundOf(sent);
    if (bound !== undefined)
      await transcript.write({ type: 'bound', at: new Date().toISOString(), ...bound });
    await transcript.write({
      type: 'request',
      at: new Date().toISOString(),
      url,
      body: parseJson(sent),
    });
    let response: Response;
    let text: string;
    try {
      response = await inner(input, init);
      // The answer is whole only once its body is: a connection can break while it is read.
      text = await response.clone().text();
    } catch (error) {
      observer.onNoAnswer?.(bound);
      const message = error instanceof Error ? error.message : String(error);
      await transcript.write({ type: 'no-answer', at: new Date().toISOString(), error: message });
      throw error;
    }
    observer.onStatus?.(response.status);
    const body = parseJson(text);
    await transcript.write({
      type: 'response',
      at: new Date().toISOString(),
      status: response.status,
      body,
    });
    if (response.ok) await recordUsage(transcript, body);
    return response;
  };
}

/**
 * The most a Messages request can cost, in the API's usage fields: no more input tokens than the
 * body has bytes (a token is at least one), all written to the cache (the dearest way to read
 * input), and a full `max_tokens` reply. `undefined` for a body that is not a Messages request.
 */
export function boundOf(body: string): RequestBound | undefined {
  const parsed = parseJson(body);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { model, max_tokens: maxTokens } = parsed as { model?: unknown; max_tokens?: unknown };
  if (typeof model !== 'string' || typeof maxTokens !== 'number') return undefined;
  return {
    model,
    usage: {
      input_tokens: 0,
      output_tokens: maxTokens,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: Buffer.byteLength(body, 'utf8'),
    },
  };
}

/**
 * Writes the usage an answer reported on a line of numbers alone. Redaction rewrites each line's
 * text, and a secret-shaped run of text in a reply could make its line unreadable; this one stays
 * readable, so what a session spent can be counted even when its job dies.
 */
async function recordUsage(transcript: Transcript, body: unknown): Promise<void> {
  if (typeof body !== 'object' || body === null) return;
  const { model, usage } = body as { model?: unknown; usage?: unknown };
  if (typeof model !== 'string' || typeof usage !== 'object' || usage === null) return;
  const numbers = Object.entries(usage).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  await transcript.write({
    type: 'usage',
    at: new Date().toISOString(),
    model,
    usage: Object.fromEntries(numbers),
  });
}

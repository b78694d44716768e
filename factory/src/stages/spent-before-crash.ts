/**
 * What a session spent when its agent job left no usable outcome (it died, timed out, or wrote a
 * malformed one). The agent job uploads its transcript even then, and the transcript gives the
 * usage of every answered request on a line of numbers alone: priced by the session's model, such
 * an attempt counts against the PR's budget like any other. A request that got no answer
 * (its connection failed or timed out, or it was still in flight when the job died) reported
 * nothing, yet may have been billed; the session wrote the most it could cost before sending it,
 * and that is what it counts. Nothing in the file is trusted: a line that does not read as usage
 * counts nothing.
 */
import * as z from 'zod';
import { costOf, fromApiUsage, type TokenUsage } from '../agent/budget.ts';
import type { FactoryConfig } from '../core/config.ts';

export interface Spend {
  readonly tokens: number;
  readonly dollars: number;
}

/**
 * How the lines this reads start, so every other (long) line is skipped unread: the session's
 * first line, which names the model it is priced by; each bound, written before a request; each
 * answer (only its start is kept: `answeredLine`), usage line and `no-answer` line after it.
 */
export const SESSION_LINE_START = '{"type":"session"';
export const BOUND_LINE_START = '{"type":"bound"';
export const ANSWER_LINE_START = '{"type":"response"';
export const USAGE_LINE_START = '{"type":"usage"';
export const NO_ANSWER_LINE_START = '{"type":"no-answer"';

const ATTEMPT_LINE_STARTS = [
  BOUND_LINE_START,
  ANSWER_LINE_START,
  USAGE_LINE_START,
  NO_ANSWER_LINE_START,
];

/** Whether `spentInTranscript` reads a transcript line: the rest are skipped unparsed. */
export function countsSpend(line: string): boolean {
  return [SESSION_LINE_START, ...ATTEMPT_LINE_STARTS].some((start) => line.startsWith(start));
}

/**
 * What `spentInTranscript` needs of an answer line: that there was an answer. Its body can be
 * large, so only its start is kept.
 */
export function answeredLine(line: string): string {
  return line.startsWith(ANSWER_LINE_START) ? ANSWER_LINE_START : line;
}

const count = z.int().nonnegative();

const SessionLine = z.object({ type: z.literal('session'), model: z.string() });

/** A usage line (what an answer reported) or a bound line (the most a request can cost). */
const UsageOrBound = z.object({
  type: z.enum(['usage', 'bound']),
  model: z.string(),
  usage: z.object({
    input_tokens: count,
    output_tokens: count,
    cache_read_input_tokens: count.nullable().default(null),
    cache_creation_input_tokens: count.nullable().default(null),
  }),
});
type UsageOrBound = z.infer<typeof UsageOrBound>;

/** A line that says the request since the last bound got no answer. */
const NoAnswer = z.object({ type: z.literal('no-answer') });

const AttemptLine = z.discriminatedUnion('type', [UsageOrBound, NoAnswer]);

/**
 * The spend in a transcript, priced in `prices` by the model the session was configured with (the
 * API may answer with a dated name), else by the one each line names:
 * - the usage each answer reported, in tokens and dollars;
 * - the bound of each request that got no answer (a `no-answer` line follows it, or nothing does:
 *   the job died waiting), in dollars only: it may have been billed, but its tokens are unknown.
 * A request answered with an error (a 529) costs nothing: the API bills no such request. A session
 * has one request in flight at a time, so each line settles the bound just before it.
 */
export function spentInTranscript(
  lines: readonly string[],
  prices: FactoryConfig['prices'],
): Spend {
  const session = lines.find((line) => line.startsWith(SESSION_LINE_START));
  const configured =
    session === undefined ? undefined : SessionLine.safeParse(parseLine(session)).data?.model;
  const priced = (line: UsageOrBound) => {
    const price = prices[configured ?? line.model] ?? prices[line.model];
    return price === undefined ? 0 : costOf(fromApiUsage(line.usage), price);
  };
  let tokens = 0;
  let dollars = 0;
  // The bound of the request in flight, until an answer or a `no-answer` line settles it.
  let inFlight: UsageOrBound | undefined;
  for (const line of lines) {
    if (line.startsWith(ANSWER_LINE_START)) {
      inFlight = undefined;
      continue;
    }
    if (!ATTEMPT_LINE_STARTS.some((start) => line.startsWith(start))) continue;
    const read = AttemptLine.safeParse(parseLine(line)).data;
    if (read?.type === 'bound') inFlight = read;
    if (read?.type === 'usage') {
      const usage: TokenUsage = fromApiUsage(read.usage);
      tokens += usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
      dollars += priced(read);
    }
    if (read?.type === 'no-answer' && inFlight !== undefined) {
      dollars += priced(inFlight);
      inFlight = undefined;
    }
  }
  if (inFlight !== undefined) dollars += priced(inFlight);
  return { tokens, dollars };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

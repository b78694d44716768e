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
import { z } from 'zod';
import { costOf, fromApiUsage, type TokenUsage } from '../agent/budget.ts';
import type { FactoryConfig } from '../core/config.ts';

export interface Spend {
  readonly tokens: number;
  readonly dollars: number;
}

/**
 * How the lines this reads start, so every other (long) line is skipped unread: the session's
 * first line, which names the model it is priced by, and each usage line.
 */
export const SESSION_LINE_START = '{"type":"session"';
export const USAGE_LINE_START = '{"type":"usage"';
export const BOUND_LINE_START = '{"type":"bound"';
export const NO_ANSWER_LINE_START = '{"type":"no-answer"';

const SPEND_LINE_STARTS = [USAGE_LINE_START, BOUND_LINE_START, NO_ANSWER_LINE_START];

/** Whether `spentInTranscript` reads a transcript line: the rest are skipped unparsed. */
export function countsSpend(line: string): boolean {
  return [SESSION_LINE_START, ...SPEND_LINE_STARTS].some((start) => line.startsWith(start));
}

const count = z.int().nonnegative();

const SessionLine = z.object({ type: z.literal('session'), model: z.string() });

/** A usage line (what an answer reported) or a bound line (the most a request can cost). */
const Spent = z.object({
  type: z.enum(['usage', 'bound']),
  model: z.string(),
  usage: z.object({
    input_tokens: count,
    output_tokens: count,
    cache_read_input_tokens: count.nullable().default(null),
    cache_creation_input_tokens: count.nullable().default(null),
  }),
});

/** A line that says the request since the last bound got no answer. */
const NoAnswer = z.object({ type: z.literal('no-answer') });

const SpendLine = z.discriminatedUnion('type', [Spent, NoAnswer]);

/**
 * The spend in a transcript's usage lines, and the bound of each request that got no answer (one
 * a `no-answer` line follows, and a last one nothing follows), priced in `prices` by the model the
 * session was configured with (the API may answer with a dated name), else by the one each line
 * names. A request answered with an error (a 529) is neither: the API bills no such request.
 */
export function spentInTranscript(
  lines: readonly string[],
  prices: FactoryConfig['prices'],
): Spend {
  const session = lines.find((line) => line.startsWith(SESSION_LINE_START));
  const configured =
    session === undefined ? undefined : SessionLine.safeParse(parseLine(session)).data?.model;
  const counted: z.infer<typeof Spent>[] = [];
  // The bound of the request in flight, until an answer or a `no-answer` line settles it.
  let inFlight: z.infer<typeof Spent> | undefined;
  for (const line of lines) {
    if (!SPEND_LINE_STARTS.some((start) => line.startsWith(start))) continue;
    const read = SpendLine.safeParse(parseLine(line)).data;
    if (read === undefined) continue;
    if (read.type === 'bound') {
      inFlight = read;
      continue;
    }
    if (read.type === 'usage') counted.push(read);
    else if (inFlight !== undefined) counted.push(inFlight);
    inFlight = undefined;
  }
  if (inFlight !== undefined) counted.push(inFlight);
  let tokens = 0;
  let dollars = 0;
  for (const { model, usage: reported } of counted) {
    const usage: TokenUsage = fromApiUsage(reported);
    tokens += usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
    const price = prices[configured ?? model] ?? prices[model];
    if (price !== undefined) dollars += costOf(usage, price);
  }
  return { tokens, dollars };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

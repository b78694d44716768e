/**
 * What a session spent before its agent job died. The agent job uploads its transcript even then,
 * and every answered request in it carries the usage the API reported: priced as the session
 * prices it, a crashed attempt counts against the PR's budget like any other. Nothing in
 * the file is trusted: a line that does not read as an answered request counts nothing.
 */
import { z } from 'zod';
import { addUsage, costOf, fromApiUsage, NO_USAGE, type TokenUsage } from '../agent/budget.ts';
import type { FactoryConfig } from '../core/config.ts';

export interface Spend {
  readonly tokens: number;
  readonly dollars: number;
}

const count = z.int().nonnegative();

const Session = z.object({ type: z.literal('session'), model: z.string() });

const AnsweredRequest = z.object({
  type: z.literal('response'),
  status: z.literal(200),
  body: z.object({
    model: z.string(),
    usage: z.object({
      input_tokens: count,
      output_tokens: count,
      cache_read_input_tokens: count.nullable().default(null),
      cache_creation_input_tokens: count.nullable().default(null),
    }),
  }),
});

/** The spend recorded in a transcript (JSON lines), priced by the session's model in `prices`. */
export function spentInTranscript(text: string, prices: FactoryConfig['prices']): Spend {
  let usage: TokenUsage = NO_USAGE;
  let model: string | undefined;
  for (const entry of text.split('\n').map(parseLine)) {
    model ??= Session.safeParse(entry).data?.model;
    const answered = AnsweredRequest.safeParse(entry).data;
    if (answered === undefined) continue;
    model ??= answered.body.model;
    usage = addUsage(usage, fromApiUsage(answered.body.usage));
  }
  const price = model === undefined ? undefined : prices[model];
  return {
    tokens: usage.input + usage.output + usage.cacheRead + usage.cacheWrite,
    dollars: price === undefined ? 0 : costOf(usage, price),
  };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

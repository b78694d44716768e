/**
 * Session budgets: turns, tokens, dollars and wall clock, checked before every model call
 * against what the next call could cost at most, so a session stops *before* it would exceed.
 * Pure: usage in, verdict out.
 */
import type { Price, StageBudget } from '../core/config.ts';

export interface TokenUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

export const NO_USAGE: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** The usage fields of an API reply, which may be null or absent. */
export interface ApiUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
}

export function fromApiUsage(usage: ApiUsage): TokenUsage {
  return {
    input: usage.input_tokens,
    output: usage.output_tokens,
    cacheRead: usage.cache_read_input_tokens ?? 0,
    cacheWrite: usage.cache_creation_input_tokens ?? 0,
  };
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

export function totalTokens(usage: TokenUsage): number {
  return usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
}

/** Dollars for some usage at a model's list price. */
export function costOf(usage: TokenUsage, price: Price): number {
  const perToken = (perMTok: number): number => perMTok / 1_000_000;
  return (
    usage.input * perToken(price.inputPerMTok) +
    usage.output * perToken(price.outputPerMTok) +
    usage.cacheRead * perToken(price.cacheReadPerMTok) +
    usage.cacheWrite * perToken(price.cacheWritePerMTok)
  );
}

/** Tokens a request part will take, estimated from its JSON as the session sends it. */
export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

/**
 * The most the next call can plausibly use: it resends everything the last call read or wrote
 * (read from the cache), plus the last reply and the tool results it asked for (written to it),
 * plus a full `max_tokens` reply. Before the first call, the estimated prompt is all written.
 * `toolResultTokens` matters: one reply's reads can add far more than the whole session so far.
 */
export function projectNextCall(
  last: TokenUsage | undefined,
  firstPromptTokens: number,
  maxOutputTokens: number,
  toolResultTokens = 0,
): TokenUsage {
  if (!last)
    return { input: 0, output: maxOutputTokens, cacheRead: 0, cacheWrite: firstPromptTokens };
  return {
    input: 0,
    output: maxOutputTokens,
    cacheRead: last.cacheRead + last.cacheWrite,
    cacheWrite: last.input + last.output + toolResultTokens,
  };
}

export interface SpendSoFar {
  readonly turns: number;
  readonly usage: TokenUsage;
  readonly dollars: number;
  readonly elapsedMs: number;
}

export type BudgetVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly limit: BudgetLimit; readonly reason: string };
export type BudgetLimit = 'turns' | 'tokens' | 'dollars' | 'wall-clock';

/** Other ceilings the session shares: what this PR and today have already spent. */
export interface SharedCeilings {
  readonly dollarsLeftForPr?: number | undefined;
  readonly dollarsLeftForDay?: number | undefined;
}

/** Whether one more model call fits every ceiling, given what it could cost at most. */
export function checkBudget(
  budget: StageBudget,
  spent: SpendSoFar,
  next: { readonly usage: TokenUsage; readonly dollars: number },
  shared: SharedCeilings = {},
): BudgetVerdict {
  if (spent.turns >= budget.maxTurns) {
    return {
      ok: false,
      limit: 'turns',
      reason: `${String(spent.turns)} of ${String(budget.maxTurns)} turns used`,
    };
  }
  const wallMs = budget.wallClockMinutes * 60_000;
  if (spent.elapsedMs >= wallMs) {
    return {
      ok: false,
      limit: 'wall-clock',
      reason: `${String(Math.round(spent.elapsedMs / 1000))} s of ${String(wallMs / 1000)} s used`,
    };
  }
  const tokens = totalTokens(spent.usage) + totalTokens(next.usage);
  if (tokens > budget.maxTotalTokens) {
    return {
      ok: false,
      limit: 'tokens',
      reason: `the next call could bring the session to ${String(tokens)} of ${String(budget.maxTotalTokens)} tokens`,
    };
  }
  const ceiling = Math.min(
    budget.maxDollars,
    shared.dollarsLeftForPr ?? Infinity,
    shared.dollarsLeftForDay ?? Infinity,
  );
  const dollars = spent.dollars + next.dollars;
  if (dollars > ceiling) {
    return {
      ok: false,
      limit: 'dollars',
      reason: `the next call could bring spend to $${dollars.toFixed(4)}, over the $${ceiling.toFixed(4)} ceiling`,
    };
  }
  return { ok: true };
}

/**
 * Which ADRs go into the prompt in full, and how the token budget is split. Pure functions over
 * numbers and records, so the policy can be tested (and tuned) without files.
 */
import type { DocRecord } from './records.ts';
import type { Ranked } from './ranking.ts';
import { resolveSuccessor } from './ranking.ts';

/** Tokens a full ADR costs beyond its text: the heading line that introduces it. */
export const FULL_TEXT_OVERHEAD_TOKENS = 30;

export interface BudgetSplit {
  readonly adrIndex: number;
  readonly specIndex: number;
}

/**
 * Index budgets out of what is left after the fixed parts (role prompt, constitution, task). The
 * indexes get a share but a hard cap: at 1,000 records an uncapped index alone would fill the
 * prompt, and the full text of the few most relevant ADRs is worth more than a longer list. What
 * the indexes leave unused goes to full text.
 */
export function splitIndexBudget(remaining: number): BudgetSplit {
  const left = Math.max(0, remaining);
  return {
    adrIndex: Math.min(3_000, Math.floor(left * 0.2)),
    specIndex: Math.min(1_500, Math.floor(left * 0.1)),
  };
}

export interface FullTextChoice {
  /** The spec's explicit ADR links, in order of mention. */
  readonly linked: readonly number[];
  /** Search results, best first. */
  readonly ranked: readonly Ranked[];
  readonly byNumber: ReadonlyMap<number, DocRecord>;
  readonly budget: number;
  /** Ranked ADRs scoring below this share of the best score are not relevant enough. */
  readonly minRelativeScore: number;
  readonly maxCount: number;
}

/**
 * Candidates in priority order: linked ADRs first, then ranked ones good enough to matter, each
 * replaced by its final successor when superseded, without duplicates.
 */
export function orderCandidates(choice: FullTextChoice): number[] {
  const best = choice.ranked[0]?.score ?? 0;
  const relevant = choice.ranked
    .filter((hit) => hit.score >= best * choice.minRelativeScore)
    .map((hit) => hit.number);
  const ordered = [...choice.linked, ...relevant]
    .filter((number) => choice.byNumber.has(number))
    .map((number) => resolveSuccessor(choice.byNumber, number));
  return [...new Set(ordered)];
}

/**
 * The ADRs to include in full: candidates in priority order, each taken if it still fits the
 * budget (a large one is skipped so smaller relevant ones can follow), up to `maxCount`.
 */
export function chooseAdrsInFull(choice: FullTextChoice): DocRecord[] {
  const chosen: DocRecord[] = [];
  let left = choice.budget;
  for (const number of orderCandidates(choice)) {
    if (chosen.length >= choice.maxCount) break;
    const record = choice.byNumber.get(number);
    if (record === undefined || record.supersededBy !== undefined) continue;
    const cost = record.tokens + FULL_TEXT_OVERHEAD_TOKENS;
    if (cost > left) continue;
    chosen.push(record);
    left -= cost;
  }
  return chosen;
}

/**
 * The interpreter of the line's effects: one exhaustive switch that turns the data `transition()`
 * returns into writes through the GitHub port, in a fixed order. Before the first write it re-reads
 * the PR (unless the stage has just read it), so a stage whose PR was relabelled or pushed to
 * meanwhile writes nothing.
 */
import { checkStillCurrent } from '../core/current.ts';
import type { Effect, Transition } from '../core/line.ts';
import { renderRerunNote } from '../core/notes.ts';
import type { GitHubPort, MergeResult, PullRequestSnapshot, StatusComment } from '../core/ports.ts';
import { recordPark, renderStatus, type Ledger } from '../core/status.ts';
import { isWorkingState, type State } from '../core/states.ts';

export interface CarryOutInput {
  readonly github: GitHubPort;
  /** The PR as the stage read it when it started. */
  readonly pr: PullRequestSnapshot;
  readonly from: State;
  readonly transition: Transition;
  /** The status comment's figures including this attempt; the park, if any, is added here. */
  readonly ledger: Ledger;
  /** Head to dispatch the next stage with (after a push, the new head). */
  readonly headSha: string;
  /** The stage's own first write (a review, a verdict comment), made only if the PR is current. */
  readonly announce?: () => Promise<void>;
  /** The status comment as the stage read it (its id does not change), to save reading it again. */
  readonly status?: { readonly comment: StatusComment | undefined };
  /** The PR as the stage read it a moment ago, having done nothing since but read: not re-read. */
  readonly fresh?: PullRequestSnapshot;
}

export type CarryOutResult =
  | { readonly kind: 'done'; readonly next: Transition['next'] }
  | { readonly kind: 'stood-down'; readonly reason: string }
  | { readonly kind: 'merge-refused'; readonly result: Exclude<MergeResult, { merged: true }> };

/**
 * Carries out a transition. Order: the stage's announcement, the merge, the status comment, notes,
 * label, dispatch. A merge comes first so that nothing announces it if GitHub refuses it; the label
 * comes after everything it announces and before the dispatch, because the next stage re-reads it.
 */
export async function carryOut(input: CarryOutInput): Promise<CarryOutResult> {
  const { github, pr, from, transition } = input;
  const fresh = input.fresh ?? (await github.readPullRequest(pr.number));
  const currency = checkStillCurrent(fresh, from, pr.headSha);
  if (fresh === undefined || !currency.current) {
    return {
      kind: 'stood-down',
      reason: currency.current ? 'the pull request is gone' : currency.reason,
    };
  }
  await input.announce?.();

  for (const effect of transition.effects) {
    if (effect.type !== 'merge') continue;
    const result = await github.mergeExactly(pr.number, effect.sha, pr.title);
    if (!result.merged) return { kind: 'merge-refused', result };
  }
  const existing = input.status ? input.status.comment : await github.readStatusComment(pr.number);
  await github.writeStatusComment(
    pr.number,
    renderStatus(transition.next, withPark(input.ledger, transition, from)),
    existing,
  );
  // Labels as they are now, so a label a person added meanwhile is kept by the one-write swap.
  for (const effect of transition.effects)
    await perform(effect, { ...input, labels: fresh.labels });
  return { kind: 'done', next: transition.next };
}

interface PerformInput extends CarryOutInput {
  readonly labels: readonly string[];
}

async function perform(effect: Effect, input: PerformInput): Promise<void> {
  const { github, pr, headSha } = input;
  switch (effect.type) {
    case 'comment':
      await github.comment(pr.number, renderRerunNote(effect.stage, effect.reason));
      return;
    case 'park': // recorded in the status comment
    case 'merge': // done before anything announced it
      return;
    case 'set-state':
      await github.setState(pr.number, input.labels, effect.state);
      return;
    case 'dispatch':
      await github.dispatch(
        effect.stage,
        effect.stage === 'scheduler' ? {} : { pr: pr.number, expectedHeadSha: headSha },
      );
      return;
  }
}

function withPark(ledger: Ledger, transition: Transition, from: State): Ledger {
  const park = transition.effects.find((effect) => effect.type === 'park');
  if (park === undefined) return ledger;
  const stage = park.stage ?? (isWorkingState(from) ? from : undefined);
  return recordPark(ledger, {
    reason: park.reason,
    detail: park.detail,
    ...(stage === undefined ? {} : { stage }),
  });
}

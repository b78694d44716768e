/**
 * The interpreter of the line's effects: one exhaustive switch that turns the data `transition()`
 * returns into writes through the GitHub port, in a fixed order. Before the first write it re-reads
 * the PR, so a stage whose PR was relabelled or pushed to meanwhile writes nothing.
 */
import { checkStillCurrent } from '../core/current.ts';
import type { Effect, Transition } from '../core/line.ts';
import { renderRerunNote } from '../core/notes.ts';
import type { GitHubPort, MergeResult, PullRequestSnapshot } from '../core/ports.ts';
import { recordPark, renderStatus, type Ledger } from '../core/status.ts';
import type { State } from '../core/states.ts';

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
}

export type CarryOutResult =
  | { readonly kind: 'done'; readonly next: Transition['next'] }
  | { readonly kind: 'stood-down'; readonly reason: string }
  | { readonly kind: 'merge-refused'; readonly result: Exclude<MergeResult, { merged: true }> };

/**
 * Carries out a transition. Order: the stage's announcement, the status comment, notes, merge,
 * label, dispatch. The label comes after everything it announces and before the dispatch,
 * because the next stage re-reads it.
 */
export async function carryOut(input: CarryOutInput): Promise<CarryOutResult> {
  const { github, pr, from, transition } = input;
  const fresh = await github.readPullRequest(pr.number);
  const currency = checkStillCurrent(fresh, from, pr.headSha);
  if (!currency.current) return { kind: 'stood-down', reason: currency.reason };
  await input.announce?.();

  let ledger = input.ledger;
  for (const effect of transition.effects) {
    if (effect.type === 'park') {
      ledger = recordPark(ledger, {
        reason: effect.reason,
        detail: effect.detail,
        ...parkedStage(from),
      });
    }
  }
  await writeStatus(github, pr.number, renderStatus(transition.next, ledger));
  for (const effect of transition.effects) {
    const refused = await perform(effect, input);
    if (refused !== undefined) return { kind: 'merge-refused', result: refused };
  }
  return { kind: 'done', next: transition.next };
}

async function perform(
  effect: Effect,
  input: CarryOutInput,
): Promise<Exclude<MergeResult, { merged: true }> | undefined> {
  const { github, pr, headSha } = input;
  switch (effect.type) {
    case 'comment':
      await github.comment(pr.number, renderRerunNote(effect.stage, effect.reason));
      return undefined;
    case 'park':
      return undefined; // recorded in the status comment before any other write
    case 'merge': {
      const result = await github.mergeExactly(pr.number, effect.sha, pr.title);
      return result.merged ? undefined : result;
    }
    case 'set-state':
      await github.setState(pr.number, pr.labels, effect.state);
      return undefined;
    case 'dispatch':
      await github.dispatch(
        effect.stage,
        effect.stage === 'scheduler' ? {} : { pr: pr.number, expectedHeadSha: headSha },
      );
      return undefined;
  }
}

async function writeStatus(github: GitHubPort, pr: number, body: string): Promise<void> {
  await github.writeStatusComment(pr, body, await github.readStatusComment(pr));
}

function parkedStage(from: State): { stage?: Exclude<State, 'queued' | 'needs-attention'> } {
  return from === 'queued' || from === 'needs-attention' ? {} : { stage: from };
}

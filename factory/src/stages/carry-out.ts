/**
 * The interpreter of the line's effects: one exhaustive switch sorts the data `transition()`
 * returns into writes through the GitHub port, made in a fixed order: the merge, then the status
 * comment, notes and state label as one record, then the dispatch. Before the first write it re-reads
 * the PR (unless the stage has just read it), so a stage whose PR was relabelled or pushed to
 * meanwhile writes nothing.
 */
import { randomBytes } from 'node:crypto';
import { checkStillCurrent } from '../core/current.ts';
import type { Effect, StageName, Transition } from '../core/line.ts';
import { renderRerunNote } from '../core/notes.ts';
import type {
  Announcement,
  GitHubPort,
  MergeResult,
  PullRequestSnapshot,
  StatusComment,
} from '../core/ports.ts';
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
  /** The stage's own word (a verdict, a CI result), published only if the PR is still current. */
  readonly announcement?: Announcement;
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
 * Carries out a transition. Order: the merge, the stage's announcement, the status comment, notes,
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

  const writes = inOrder(transition.effects);
  // The base moves neither the head nor a label: a PR retargeted since it was judged is not merged.
  const { defaultBranch } = github.repository;
  if (writes.merges.length > 0 && fresh.baseRef !== defaultBranch)
    return {
      kind: 'stood-down',
      reason: `PR #${String(pr.number)} now merges into ${fresh.baseRef}, not ${defaultBranch}`,
    };
  for (const sha of writes.merges) {
    const result = await github.mergeExactly(pr.number, sha, pr.title);
    if (!result.merged) return { kind: 'merge-refused', result };
  }
  const existing = input.status ? input.status.comment : await github.readStatusComment(pr.number);
  await github.recordTransition(pr.number, {
    ...(input.announcement === undefined ? {} : { announcement: input.announcement }),
    statusComment: {
      body: renderStatus(transition.next, withPark(input.ledger, transition, from)),
      existing,
    },
    notes: writes.notes,
    // Labels as they are now, so a label a person added meanwhile is kept by the one-write swap.
    ...(writes.state === undefined
      ? {}
      : { state: { currentLabels: fresh.labels, to: writes.state } }),
  });
  for (const stage of writes.dispatches) {
    await github.dispatch(
      stage,
      stage === 'scheduler' ? {} : { pr: pr.number, expectedHeadSha: input.headSha },
    );
  }
  return { kind: 'done', next: transition.next };
}

interface Writes {
  readonly merges: string[];
  /** Re-run notes, written after the status comment. */
  readonly notes: string[];
  state: State | undefined;
  readonly dispatches: StageName[];
}

/** The effects sorted into the order they are carried out in. */
function inOrder(effects: readonly Effect[]): Writes {
  const writes: Writes = { merges: [], notes: [], state: undefined, dispatches: [] };
  for (const effect of effects) {
    switch (effect.type) {
      case 'merge':
        writes.merges.push(effect.sha);
        break;
      case 'comment':
        writes.notes.push(renderRerunNote(effect.stage, effect.reason, newWriteName()));
        break;
      case 'park': // recorded in the status comment
        break;
      case 'set-state':
        writes.state = effect.state;
        break;
      case 'dispatch':
        writes.dispatches.push(effect.stage);
        break;
    }
  }
  return writes;
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

/** A name for one write, unique enough among one PR's notes (48 random bits). */
function newWriteName(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The line as a state machine: a table of the moves it may make and a pure `transition()` that
 * returns the next state and the effects to carry out, as data. It never performs them and never
 * throws: an event the table has no rule for parks the PR with a named reason.
 */
import type { ParkReason } from './reasons.ts';
import type { State, WorkingState } from './states.ts';

/** Workflows of the line: one per working state, plus the two that run on a schedule. */
export type StageName = WorkingState | 'scheduler' | 'watchdog';

/** Why an attempt failed without producing a usable result; each is retried within the bound. */
export type FailedAttemptReason = 'invalid-output' | 'no-submission' | 'stage-crashed';

/**
 * Why a stage runs again without a label move. A retry that changes no label leaves no trace in
 * the label timeline, so the line records it as a comment the attempt counter reads back.
 */
export type RerunReason = FailedAttemptReason | 'main-moved' | 'conflict';

export type LineEvent =
  | { readonly type: 'picked' }
  | { readonly type: 'plan-submitted' }
  | { readonly type: 'plan-approved' }
  | { readonly type: 'plan-changes-requested' }
  | { readonly type: 'work-submitted' }
  | { readonly type: 'ci-passed' }
  | { readonly type: 'ci-failed' }
  | { readonly type: 'code-approved' }
  | { readonly type: 'code-changes-requested' }
  | { readonly type: 'merge-ready'; readonly sha: string }
  | { readonly type: 'merge-ci-failed' }
  | { readonly type: 'head-moved' }
  | { readonly type: 'main-moved' }
  /** The repository dismissed the line's approval when the merge brought the head up to date. */
  | { readonly type: 'approval-dismissed' }
  | { readonly type: 'conflict' }
  | {
      readonly type: 'attempt-failed';
      readonly reason: FailedAttemptReason;
      /** The run that crashed was itself the re-run of a crash: R-03 re-runs a crash once. */
      readonly crashedAgain?: boolean;
    }
  | { readonly type: 'blocked'; readonly reason: ParkReason; readonly detail: string };

export type LineEventType = LineEvent['type'];

export type Effect =
  | { readonly type: 'comment'; readonly stage: WorkingState; readonly reason: RerunReason }
  | {
      readonly type: 'park';
      readonly reason: ParkReason;
      readonly detail: string;
      /** The stage to resume at, when it is not the one that parked (its retries ran out). */
      readonly stage?: WorkingState;
    }
  | { readonly type: 'merge'; readonly sha: string }
  | { readonly type: 'set-state'; readonly state: State }
  | { readonly type: 'dispatch'; readonly stage: StageName };

/** Where a PR goes next: a state, or out of the line because it was merged. */
export type Next = State | 'merged';

export interface Transition {
  readonly next: Next;
  readonly effects: readonly Effect[];
}

/**
 * A move of the table. `enter` moves forward and `retry` loops back; both are bounded by the
 * attempts of the stage they enter. `conflict` is a retry that may happen only once.
 */
type Edge =
  | { readonly to: WorkingState; readonly kind: 'enter' | 'retry' | 'conflict' }
  | { readonly to: 'merged'; readonly kind: 'merge' };

type EdgeEvent = Exclude<LineEventType, 'attempt-failed' | 'blocked'>;

/** The conveyor of design §2, one row per state. Failed attempts and blocks apply to every stage. */
export const TRANSITIONS = {
  queued: { picked: { to: 'plan', kind: 'enter' } },
  plan: { 'plan-submitted': { to: 'plan-review', kind: 'enter' } },
  'plan-review': {
    'plan-approved': { to: 'implementation', kind: 'enter' },
    'plan-changes-requested': { to: 'plan', kind: 'retry' },
  },
  implementation: { 'work-submitted': { to: 'implementation-ci', kind: 'enter' } },
  'implementation-ci': {
    'ci-passed': { to: 'code-review', kind: 'enter' },
    'ci-failed': { to: 'implementation', kind: 'retry' },
  },
  'code-review': {
    'code-approved': { to: 'merge', kind: 'enter' },
    'code-changes-requested': { to: 'implementation', kind: 'retry' },
  },
  merge: {
    'merge-ready': { to: 'merged', kind: 'merge' },
    'merge-ci-failed': { to: 'implementation', kind: 'retry' },
    'head-moved': { to: 'implementation-ci', kind: 'retry' },
    'main-moved': { to: 'merge', kind: 'retry' },
    'approval-dismissed': { to: 'code-review', kind: 'retry' },
    conflict: { to: 'implementation', kind: 'conflict' },
  },
  'needs-attention': {},
} as const satisfies Record<State, Partial<Record<EdgeEvent, Edge>>>;

/** What the line knows about past attempts, derived from the PR's timeline (see attempts.ts). */
export interface AttemptFacts {
  /** Attempts each stage has had since the last move made by a person. */
  readonly attempts: Readonly<Partial<Record<WorkingState, number>>>;
  /** Maximum attempts per stage (retries + 1). A stage without an entry is not bounded. */
  readonly maxAttempts: Readonly<Partial<Record<WorkingState, number>>>;
  /** Times a conflict sent the PR back to the implementer since the last move by a person. */
  readonly conflictReturns: number;
}

export const NO_ATTEMPTS: AttemptFacts = { attempts: {}, maxAttempts: {}, conflictReturns: 0 };

/** The pure transition function of the line. */
export function transition(
  state: State,
  event: LineEvent,
  facts: AttemptFacts = NO_ATTEMPTS,
): Transition {
  // A parked PR waits for a person: the line adds nothing to it, whatever arrives.
  if (state === 'needs-attention') return { next: state, effects: [] };
  if (event.type === 'blocked') return park(event.reason, event.detail);
  if (event.type === 'attempt-failed') return retrySame(state, event, facts);
  const edge = edgeFor(state, event.type);
  if (edge === undefined) {
    return park('unknown-transition', `No rule for "${event.type}" in state:${state}.`);
  }
  return follow(edge, event, facts);
}

function edgeFor(state: State, type: EdgeEvent): Edge | undefined {
  const row: Partial<Record<EdgeEvent, Edge>> = TRANSITIONS[state];
  return row[type];
}

function follow(edge: Edge, event: LineEvent, facts: AttemptFacts): Transition {
  switch (edge.kind) {
    case 'merge':
      return event.type === 'merge-ready'
        ? {
            next: 'merged',
            effects: [
              { type: 'merge', sha: event.sha },
              { type: 'dispatch', stage: 'scheduler' },
            ],
          }
        : park(
            'unknown-transition',
            `A merge needs the exact SHA to merge, "${event.type}" has none.`,
          );
    case 'enter':
    case 'retry':
      // Every run of a stage counts, forward moves included: no stage runs more often than its
      // bound since the last move by a person, however the loops around it interleave.
      if (!hasAttemptLeft(edge.to, facts)) return exhausted(edge.to, facts);
      return event.type === 'main-moved' ? rerun(edge.to, 'main-moved') : move(edge.to);
    case 'conflict':
      if (facts.conflictReturns >= 1) {
        return park(
          'conflict',
          'The branch conflicted with main again after the implementer resolved it once.',
        );
      }
      if (!hasAttemptLeft(edge.to, facts)) return exhausted(edge.to, facts);
      return { next: edge.to, effects: [note(edge.to, 'conflict'), ...move(edge.to).effects] };
  }
}

/**
 * A failed attempt runs the same stage again, without a label move, while attempts remain. A
 * crash is re-run once: a crash of that re-run parks, whatever retries remain.
 */
function retrySame(
  state: Exclude<State, 'needs-attention'>,
  event: Extract<LineEvent, { type: 'attempt-failed' }>,
  facts: AttemptFacts,
): Transition {
  const { reason } = event;
  if (state === 'queued')
    return park('unknown-transition', `A queued PR has no attempt to fail (${reason}).`);
  if (reason === 'stage-crashed' && event.crashedAgain === true)
    return park(
      'stage-crashed',
      `The ${state} stage stopped without finishing, and so did its re-run.`,
    );
  if (!hasAttemptLeft(state, facts)) {
    return reason === 'stage-crashed'
      ? park(
          'stage-crashed',
          `The ${state} stage stopped without finishing on the last run it was allowed (${attemptsUsed(state, facts)} since the last move by a person).`,
        )
      : exhausted(state, facts);
  }
  return rerun(state, reason);
}

const attemptsUsed = (stage: WorkingState, facts: AttemptFacts): number =>
  facts.attempts[stage] ?? 0;

/** Runs a stage again in place: note why in the timeline, then dispatch it. */
function rerun(stage: WorkingState, reason: RerunReason): Transition {
  return { next: stage, effects: [note(stage, reason), { type: 'dispatch', stage }] };
}

function note(stage: WorkingState, reason: RerunReason): Effect {
  return { type: 'comment', stage, reason };
}

function hasAttemptLeft(stage: WorkingState, facts: AttemptFacts): boolean {
  const max = facts.maxAttempts[stage];
  return max === undefined || (facts.attempts[stage] ?? 0) < max;
}

/** Label first, then dispatch: the dispatched stage re-reads the label and must find it set. */
function move(to: WorkingState): Transition {
  return {
    next: to,
    effects: [
      { type: 'set-state', state: to },
      { type: 'dispatch', stage: to },
    ],
  };
}

function park(reason: ParkReason, detail: string, stage?: WorkingState): Transition {
  return {
    next: 'needs-attention',
    effects: [
      { type: 'park', reason, detail, ...(stage === undefined ? {} : { stage }) },
      { type: 'set-state', state: 'needs-attention' },
    ],
  };
}

function exhausted(stage: WorkingState, facts: AttemptFacts): Transition {
  return park(
    'retries-exhausted',
    `${stage} has had ${attemptsUsed(stage, facts)} attempts since the last move by a person.`,
    stage,
  );
}

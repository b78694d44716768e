/**
 * Attempt counting, derived from what GitHub already shows (design §1, principle 2): the PR's
 * timeline of state-label moves and the factory's re-run notes. Nothing is kept in a hidden store,
 * so a person who relabels a PR visibly restarts the count from their move. The timeline
 * also carries a person's withdrawal of the line's approval, which holds the PR (`hold.ts`).
 */
import type { AttemptFacts, RerunReason } from './line.ts';
import { isWorkingState, stateOfLabel, WORKING_STATES, type WorkingState } from './states.ts';
import { maxAttempts, type FactoryConfig } from './config.ts';

export type TimelineEntry =
  | {
      readonly kind: 'labeled' | 'unlabeled';
      readonly label: string;
      readonly actor: string;
      readonly at: string;
    }
  | {
      /** A re-run note the factory left (parsed from its own comments by the adapter). */
      readonly kind: 'rerun';
      readonly stage: WorkingState;
      readonly reason: RerunReason;
      /** The note's write name: the same note posted twice (a retried request) counts once. */
      readonly write?: string;
      readonly actor: string;
      readonly at: string;
    }
  | {
      /**
       * A person withdrew an approval the line gave (on `sha`) by dismissing it, saying why; a
       * branch rule's dismissal of a stale approval is no such entry. It holds the PR back
       * (`core/hold.ts`).
       */
      readonly kind: 'approval-withdrawn';
      readonly sha: string;
      readonly message: string;
      readonly actor: string;
      readonly at: string;
    };

/** Tells the factory's own identities (default token bot, App bot) from people. */
export type IsFactoryActor = (login: string) => boolean;

type LabelEntry = Extract<TimelineEntry, { kind: 'labeled' | 'unlabeled' }>;

/** A label added or taken off, by anyone. */
export const isLabelEntry = (entry: TimelineEntry): entry is LabelEntry =>
  entry.kind === 'labeled' || entry.kind === 'unlabeled';

/** A `state:*` label added or taken off, by anyone. */
export const isStateLabelEntry = (entry: TimelineEntry): entry is LabelEntry =>
  isLabelEntry(entry) && stateOfLabel(entry.label) !== undefined;

/**
 * Index of the last state-label move made by a person, or -1 when the timeline has none.
 * Only `state:*` labels count: a person adding an unrelated label is not a move on the line, and
 * neither is a label the line turned away (see `turnedAway`).
 */
export function lastHumanMove(
  timeline: readonly TimelineEntry[],
  isFactory: IsFactoryActor,
): number {
  return timeline.findLastIndex(
    (entry, index) =>
      isStateLabelEntry(entry) &&
      !isFactory(entry.actor) &&
      !turnedAway(timeline, index, isFactory),
  );
}

/**
 * Whether the state label a person set at `index` was turned away, as the route job does with a
 * label set without write permission: it came on top of the PR's state label, and the next
 * state-label entry is the factory removing it alone. Such a label moved nothing, and restarts no
 * count. A move that replaces the state label, or that the line carries on from, is a move.
 */
function turnedAway(
  timeline: readonly TimelineEntry[],
  index: number,
  isFactory: IsFactoryActor,
): boolean {
  const set = timeline[index];
  if (set?.kind !== 'labeled') return false;
  const removal = timeline.slice(index + 1).find(isStateLabelEntry);
  return (
    removal?.kind === 'unlabeled' &&
    removal.label === set.label &&
    isFactory(removal.actor) &&
    stateLabelsBefore(timeline, index).size > 0
  );
}

/** The state labels the PR carried just before `index`, replayed from its timeline. */
function stateLabelsBefore(timeline: readonly TimelineEntry[], index: number): Set<string> {
  const labels = new Set<string>();
  for (const entry of timeline.slice(0, index).filter(isStateLabelEntry)) {
    if (entry.kind === 'labeled') labels.add(entry.label);
    else labels.delete(entry.label);
  }
  return labels;
}

/**
 * Attempts per stage since the last move by a person: every entry into a stage (the person's own
 * move included) and every re-run of it counts one. Notes written by anyone but the factory are
 * ignored, so a comment cannot forge or erase an attempt.
 */
export function countAttempts(
  timeline: readonly TimelineEntry[],
  isFactory: IsFactoryActor,
): Pick<AttemptFacts, 'attempts' | 'conflictReturns'> {
  const humanMove = lastHumanMove(timeline, isFactory);
  const attempts: Partial<Record<WorkingState, number>> = {};
  let conflictReturns = 0;
  const bump = (stage: WorkingState) => (attempts[stage] = (attempts[stage] ?? 0) + 1);
  const writes = new Set<string>();

  for (const [index, entry] of timeline.entries()) {
    // A write's repeat counts nothing, even when a person's move fell between the two copies.
    if (entry.kind === 'rerun' && entry.write !== undefined && isFactory(entry.actor)) {
      if (writes.has(entry.write)) continue;
      writes.add(entry.write);
    }
    if (index < humanMove || (index > humanMove && !isFactory(entry.actor))) continue;
    if (entry.kind === 'rerun') {
      if (entry.reason === 'conflict') conflictReturns += 1;
      else bump(entry.stage);
      continue;
    }
    if (!isLabelEntry(entry)) continue;
    const state = stateOfLabel(entry.label);
    if (entry.kind === 'labeled' && state !== undefined && isWorkingState(state)) bump(state);
  }
  return { attempts, conflictReturns };
}

/** The retry bound of every working state, from the configuration. */
export function attemptLimits(config: FactoryConfig): Partial<Record<WorkingState, number>> {
  const limits: Partial<Record<WorkingState, number>> = {};
  for (const stage of WORKING_STATES) limits[stage] = maxAttempts(config, stage);
  return limits;
}

/** Everything `transition()` needs to bound retries, in one call. */
export function attemptFacts(
  timeline: readonly TimelineEntry[],
  isFactory: IsFactoryActor,
  config: FactoryConfig,
): AttemptFacts {
  return { ...countAttempts(timeline, isFactory), maxAttempts: attemptLimits(config) };
}

/** The attempt number a stage is on right now (1 for its first run). */
export function currentAttempt(facts: AttemptFacts, stage: WorkingState): number {
  return Math.max(facts.attempts[stage] ?? 0, 1);
}

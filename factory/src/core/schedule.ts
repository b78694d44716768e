/**
 * The scheduler's choice, as a pure function of plain facts: which queued PR goes on the line
 * next, and why every other queued PR waits. Deterministic order is a promise of the line
 * (design §1): the same facts, in any order, give the same decision.
 */
import {
  findDependencyCycles,
  formatSpecNumber,
  type DependencyCycles,
  type SpecPriority,
} from './spec/index.ts';

export interface QueuedPr {
  /** Pull request number; unique among queued PRs. */
  readonly number: number;
  /** The number of the spec the PR adds. */
  readonly specNumber: number;
  /**
   * When the PR was labelled `state:queued`, in milliseconds since the epoch. The adapter reads
   * it from the PR's timeline; the scheduler never looks at a clock.
   */
  readonly queuedAt: number;
  readonly priority: SpecPriority;
  /** Spec numbers that must be merged first (the spec's `depends-on`). */
  readonly dependsOn: readonly number[];
}

export interface InFlightPr {
  readonly number: number;
  /** Its spec number, when known: only used to say who a waiting PR waits for. */
  readonly specNumber?: number;
}

export interface ScheduleFacts {
  readonly queued: readonly QueuedPr[];
  /** PRs in a working state (plan … merge): they hold the line's slots. */
  readonly inFlight: readonly InFlightPr[];
  readonly mergedSpecNumbers: readonly number[];
  /** How many PRs may be on the line at once, a positive integer; 1 (serial) when left out. */
  readonly maxInFlight?: number;
}

/** Why one queued PR was not picked. Spec numbers in `waitingFor` and `cycle`; PR numbers elsewhere. */
export type Hold = { readonly number: number; readonly message: string } & (
  | { readonly code: 'line-full'; readonly inFlight: readonly number[] }
  | { readonly code: 'behind'; readonly behind: number }
  | { readonly code: 'waiting-for-dependencies'; readonly waitingFor: readonly number[] }
  /** The PR's spec is part of a `depends-on` cycle among queued specs: it can never start. */
  | { readonly code: 'dependency-cycle'; readonly cycle: readonly number[] }
  /** The PR's spec depends, directly or not, on a spec in a cycle: it can never start either. */
  | { readonly code: 'blocked-by-cycle'; readonly cycle: readonly number[] }
);

export type HoldCode = Hold['code'];

/**
 * The decision, with a `held` entry for every queued PR not picked, in queue order. A pick fills
 * one slot: with `maxInFlight` above 1, call again with the pick counted as in flight.
 */
export type ScheduleDecision =
  | { readonly kind: 'pick'; readonly pick: QueuedPr; readonly held: readonly Hold[] }
  | {
      readonly kind: 'wait';
      readonly code: 'line-full' | 'queue-empty' | 'nothing-eligible';
      readonly message: string;
      readonly held: readonly Hold[];
    };

const PRIORITY_RANK: Record<SpecPriority, number> = { high: 0, normal: 1, low: 2 };

/** Queue order: higher priority first, then first queued, then the lower PR number. */
export function compareQueueOrder(a: QueuedPr, b: QueuedPr): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    a.queuedAt - b.queuedAt ||
    a.number - b.number
  );
}

/**
 * Picks the next queued PR: none while `maxInFlight` PRs are on the line; otherwise the first in
 * queue order whose `depends-on` are all merged. Specs caught in a dependency cycle are reported
 * as such, since waiting would never end.
 */
export function pickNext(facts: ScheduleFacts): ScheduleDecision {
  const order = [...facts.queued].sort(compareQueueOrder);
  const blockers = readBlockers(facts, order);
  const eligible = order.filter((pr) => blockers.get(pr.number) === undefined);
  const isFull = facts.inFlight.length >= (facts.maxInFlight ?? 1);
  const pick = isFull ? undefined : eligible[0];
  const held = order
    .filter((pr) => pr !== pick)
    .map((pr) => blockers.get(pr.number) ?? holdEligible(pr, pick, facts));
  if (pick !== undefined) return { kind: 'pick', pick, held };
  if (isFull) return { kind: 'wait', code: 'line-full', message: describeFullLine(facts), held };
  if (order.length === 0) {
    return { kind: 'wait', code: 'queue-empty', message: 'No PR is queued.', held };
  }
  const message = 'Every queued PR waits for a dependency or is caught in a dependency cycle.';
  return { kind: 'wait', code: 'nothing-eligible', message, held };
}

function holdEligible(pr: QueuedPr, pick: QueuedPr | undefined, facts: ScheduleFacts): Hold {
  if (pick === undefined) {
    const inFlight = inFlightNumbers(facts);
    return { number: pr.number, code: 'line-full', inFlight, message: describeFullLine(facts) };
  }
  const message = `Ready, behind #${pick.number} (${describeWhyFirst(pick, pr)}).`;
  return { number: pr.number, code: 'behind', behind: pick.number, message };
}

function inFlightNumbers(facts: ScheduleFacts): number[] {
  return facts.inFlight.map((pr) => pr.number).sort((a, b) => a - b);
}

function describeFullLine(facts: ScheduleFacts): string {
  const numbers = inFlightNumbers(facts).map((number) => `#${number}`);
  const max = facts.maxInFlight ?? 1;
  return `The line is full: ${numbers.length} of ${max} slots taken (${numbers.join(', ')}).`;
}

function describeWhyFirst(first: QueuedPr, second: QueuedPr): string {
  if (first.priority !== second.priority) return `${first.priority} priority`;
  if (first.queuedAt !== second.queuedAt) return 'queued earlier';
  return 'queued at the same time, lower PR number';
}

/** What every blocker check needs, computed once per decision. */
interface Knowledge {
  readonly merged: ReadonlySet<number>;
  readonly cycles: DependencyCycles;
  /** Spec number → where it is, e.g. `#12, in flight`. */
  readonly whereIs: ReadonlyMap<number, string>;
}

/** For each queued PR that cannot start, why; eligible PRs are absent from the map. */
function readBlockers(facts: ScheduleFacts, order: readonly QueuedPr[]): Map<number, Hold> {
  const merged = new Set(facts.mergedSpecNumbers);
  const cycles = findDependencyCycles(order, merged);
  const knowledge = { merged, cycles, whereIs: locateSpecs(facts, order) };
  const blockers = new Map<number, Hold>();
  for (const pr of order) {
    const hold = readBlocker(pr, knowledge);
    if (hold !== undefined) blockers.set(pr.number, hold);
  }
  return blockers;
}

function readBlocker(pr: QueuedPr, { merged, cycles, whereIs }: Knowledge): Hold | undefined {
  const ownCycle = cycles.cycleOf.get(pr.specNumber);
  if (ownCycle !== undefined) {
    const message = `Specs ${listSpecs(ownCycle)} depend on each other in a cycle: none can start.`;
    return { number: pr.number, code: 'dependency-cycle', cycle: ownCycle, message };
  }
  const waitingFor = sortUnique(pr.dependsOn.filter((spec) => !merged.has(spec)));
  const cycle = sortUnique(
    waitingFor.flatMap((spec) => [
      ...(cycles.cycleOf.get(spec) ?? []),
      ...(cycles.blockedBy.get(spec) ?? []),
    ]),
  );
  if (cycle.length > 0) {
    const message = `Waits on specs ${listSpecs(cycle)}, which depend on each other in a cycle.`;
    return { number: pr.number, code: 'blocked-by-cycle', cycle, message };
  }
  if (waitingFor.length === 0) return undefined;
  const specs = waitingFor.map(
    (spec) =>
      `spec ${formatSpecNumber(spec)} (${whereIs.get(spec) ?? 'not queued, in flight or merged'})`,
  );
  return {
    number: pr.number,
    code: 'waiting-for-dependencies',
    waitingFor,
    message: `Waiting for ${specs.join(', ')}.`,
  };
}

/**
 * Where each spec a PR may wait for is. In flight wins over queued; among several PRs with one
 * spec number, the lowest in-flight PR number or the first in queue order, so the answer does not
 * depend on the order the facts came in.
 */
function locateSpecs(facts: ScheduleFacts, order: readonly QueuedPr[]): Map<number, string> {
  const whereIs = new Map<number, string>();
  const inFlight = [...facts.inFlight].sort((a, b) => a.number - b.number);
  for (const pr of inFlight) {
    if (pr.specNumber !== undefined && !whereIs.has(pr.specNumber)) {
      whereIs.set(pr.specNumber, `#${pr.number}, in flight`);
    }
  }
  for (const pr of order) {
    if (!whereIs.has(pr.specNumber)) whereIs.set(pr.specNumber, `#${pr.number}, queued`);
  }
  return whereIs;
}

function sortUnique(numbers: readonly number[]): number[] {
  return [...new Set(numbers)].sort((a, b) => a - b);
}

const MAX_LISTED_SPECS = 10;

/** `0001, 0002, …`, cut short: a comment naming a thousand specs helps nobody. */
function listSpecs(specs: readonly number[]): string {
  const listed = specs.slice(0, MAX_LISTED_SPECS).map(formatSpecNumber).join(', ');
  const more = specs.length - MAX_LISTED_SPECS;
  return more > 0 ? `${listed} and ${more} more` : listed;
}

/**
 * The scheduler's choice, as a pure function of plain facts: which queued PR goes on the line
 * next, and why every other queued PR waits. Deterministic order is a promise of the line
 * (design §1): the same facts, in any order, give the same decision.
 */
import { formatSpecNumber, type SpecPriority } from './spec/index.ts';

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
  const blockers = readBlockers(facts);
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

/** For each queued PR that cannot start, why; eligible PRs are absent from the map. */
function readBlockers(facts: ScheduleFacts): Map<number, Hold> {
  const merged = new Set(facts.mergedSpecNumbers);
  const graph = readDependencyGraph(facts.queued, merged);
  const cycles = findCycles(graph);
  const blockers = new Map<number, Hold>();
  for (const pr of facts.queued) {
    const hold = readBlocker(pr, graph, cycles, merged, facts);
    if (hold !== undefined) blockers.set(pr.number, hold);
  }
  return blockers;
}

function readBlocker(
  pr: QueuedPr,
  graph: DependencyGraph,
  cycles: ReadonlyMap<number, readonly number[]>,
  merged: ReadonlySet<number>,
  facts: ScheduleFacts,
): Hold | undefined {
  const ownCycle = cycles.get(pr.specNumber);
  if (ownCycle !== undefined) {
    const message = `Specs ${listSpecs(ownCycle)} depend on each other in a cycle: none can start.`;
    return { number: pr.number, code: 'dependency-cycle', cycle: ownCycle, message };
  }
  const unmerged = pr.dependsOn.filter((spec) => !merged.has(spec));
  const reached = [...reachableFrom(graph, unmerged)];
  const cycle = sortUnique(reached.flatMap((spec) => cycles.get(spec) ?? []));
  if (cycle.length > 0) {
    const message = `Waits on specs ${listSpecs(cycle)}, which depend on each other in a cycle.`;
    return { number: pr.number, code: 'blocked-by-cycle', cycle, message };
  }
  const waitingFor = sortUnique(unmerged);
  if (waitingFor.length === 0) return undefined;
  const message = `Waiting for ${waitingFor.map((spec) => describeSpec(spec, facts)).join(', ')}.`;
  return { number: pr.number, code: 'waiting-for-dependencies', waitingFor, message };
}

function describeSpec(spec: number, facts: ScheduleFacts): string {
  const name = `spec ${formatSpecNumber(spec)}`;
  // Lowest PR number first, so the answer does not depend on the order facts came in.
  const inFlight = [...facts.inFlight]
    .sort((a, b) => a.number - b.number)
    .find((pr) => pr.specNumber === spec);
  if (inFlight !== undefined) return `${name} (#${inFlight.number}, in flight)`;
  const queued = [...facts.queued].sort(compareQueueOrder).find((pr) => pr.specNumber === spec);
  if (queued !== undefined) return `${name} (#${queued.number}, queued)`;
  return `${name} (not queued, in flight or merged)`;
}

/** Unmerged `depends-on` edges between queued specs: a merged spec can hold nothing up. */
type DependencyGraph = ReadonlyMap<number, readonly number[]>;

function readDependencyGraph(
  queued: readonly QueuedPr[],
  merged: ReadonlySet<number>,
): DependencyGraph {
  const queuedSpecs = new Set(queued.map((pr) => pr.specNumber));
  const graph = new Map<number, number[]>();
  for (const pr of queued) {
    const edges = pr.dependsOn.filter((spec) => queuedSpecs.has(spec) && !merged.has(spec));
    graph.set(pr.specNumber, sortUnique([...(graph.get(pr.specNumber) ?? []), ...edges]));
  }
  return graph;
}

/** Every queued spec reachable from the specs `from` depends on, those included. */
function reachableFrom(graph: DependencyGraph, from: readonly number[]): Set<number> {
  const seen = new Set<number>();
  const pending = from.filter((spec) => graph.has(spec));
  for (let spec = pending.pop(); spec !== undefined; spec = pending.pop()) {
    if (seen.has(spec)) continue;
    seen.add(spec);
    pending.push(...(graph.get(spec) ?? []));
  }
  return seen;
}

/**
 * Maps every spec on a cycle to the members of its cycle (its strongly connected component).
 * Quadratic in the number of queued specs, which stays small; clarity wins over Tarjan here.
 */
function findCycles(graph: DependencyGraph): Map<number, readonly number[]> {
  const reach = new Map(
    [...graph].map(([spec, dependsOn]) => [spec, reachableFrom(graph, dependsOn)]),
  );
  const cycles = new Map<number, readonly number[]>();
  for (const [spec, reached] of reach) {
    if (!reached.has(spec)) continue;
    const members = [...reached].filter((other) => reach.get(other)?.has(spec) === true);
    cycles.set(spec, sortUnique(members));
  }
  return cycles;
}

function sortUnique(numbers: readonly number[]): number[] {
  return [...new Set(numbers)].sort((a, b) => a - b);
}

function listSpecs(specs: readonly number[]): string {
  return specs.map(formatSpecNumber).join(', ');
}

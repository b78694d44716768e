/**
 * The line at a glance, as plain data: which PR is in which stage and for how long, its attempt
 * and spend, the parked PRs with their reason, and the queue in the order the scheduler will take
 * it. Built from facts read off GitHub by `status`; pure, so it is tested without a forge.
 */
import { attemptFacts, currentAttempt, type TimelineEntry } from '../core/attempts.ts';
import type { FactoryConfig } from '../core/config.ts';
import type { PullRequestSnapshot } from '../core/ports.ts';
import { PARK_REASONS, resumeStageOf } from '../core/reasons.ts';
import { compareQueueOrder, pickNext, type QueuedPr } from '../core/schedule.ts';
import { dayOf, formatDollars, totalSpend, type Ledger } from '../core/status.ts';
import {
  isWorkingState,
  labelOf,
  statesIn,
  type State,
  type WorkingState,
} from '../core/states.ts';

export interface PrFacts {
  readonly pr: PullRequestSnapshot;
  readonly timeline: readonly TimelineEntry[];
  readonly ledger: Ledger;
}

/** A queued PR as the scheduler would read it: ready to schedule, or about to be parked. */
export type QueuedReading =
  | { readonly ok: true; readonly pr: PullRequestSnapshot; readonly candidate: QueuedPr }
  | { readonly ok: false; readonly pr: PullRequestSnapshot; readonly problem: string };

export interface LineFacts {
  readonly repository: string;
  readonly config: FactoryConfig;
  readonly isFactoryActor: (login: string) => boolean;
  readonly onLine: readonly PrFacts[];
  readonly queued: readonly QueuedReading[];
  readonly mergedSpecNumbers: readonly number[];
  readonly now: Date;
  /** What the line spent on the UTC day of `now`, across pull requests. */
  readonly spentToday: number;
}

export interface WorkingRow {
  readonly number: number;
  readonly title: string;
  readonly stage: WorkingState;
  readonly attempt: number;
  readonly maxAttempts: number | undefined;
  /** When the PR entered its stage (the label event), if the timeline shows it. */
  readonly since: string | undefined;
  readonly ageMs: number | undefined;
  readonly dollars: number;
}

export interface ParkedRow {
  readonly number: number;
  readonly title: string;
  /** The reason code, or `unknown` when the status comment does not say. */
  readonly reason: string;
  readonly reasonTitle: string;
  readonly fromStage: WorkingState | undefined;
  /** Where `factory resume` restarts it without `--from`; undefined when a person must choose. */
  readonly resumeFrom: State | undefined;
  readonly detail: string;
  readonly since: string | undefined;
  readonly ageMs: number | undefined;
  readonly dollars: number;
}

export interface QueueRow {
  readonly position: number;
  readonly number: number;
  readonly title: string;
  readonly specNumber: number | undefined;
  readonly priority: string | undefined;
  /** `next`: the scheduler takes it on its next run; `waiting`: held; `invalid`: will be parked. */
  readonly status: 'next' | 'waiting' | 'invalid';
  readonly message: string;
}

/** A PR whose `state:*` labels the line cannot read (several at once). */
export interface ConfusedRow {
  readonly number: number;
  readonly title: string;
  readonly states: readonly State[];
}

/** The day's spend against the per-day ceiling (ADR 0010). */
export interface DaySpend {
  /** The UTC day. */
  readonly day: string;
  readonly dollars: number;
  readonly ceiling: number;
  /** The scheduler starts no queued spec before the next day. */
  readonly reached: boolean;
}

export interface LineStatus {
  readonly repository: string;
  readonly today: DaySpend;
  readonly working: readonly WorkingRow[];
  readonly parked: readonly ParkedRow[];
  readonly queue: readonly QueueRow[];
  readonly confused: readonly ConfusedRow[];
}

/** Builds the status from what was read. */
export function buildLineStatus(facts: LineFacts): LineStatus {
  const working: WorkingRow[] = [];
  const parked: ParkedRow[] = [];
  const confused: ConfusedRow[] = [];
  for (const item of facts.onLine) {
    const states = statesIn(item.pr.labels);
    const [state] = states;
    if (states.length !== 1 || state === undefined) {
      confused.push({ number: item.pr.number, title: item.pr.title, states });
    } else if (isWorkingState(state)) {
      working.push(workingRow(item, state, facts));
    } else if (state === 'needs-attention') {
      parked.push(parkedRow(item, facts.now));
    }
  }
  const inFlight = working.map((row) => ({ number: row.number }));
  const today = daySpend(facts);
  return {
    repository: facts.repository,
    today,
    working,
    parked,
    queue: queueRows(facts, inFlight, today),
    confused,
  };
}

function enteredAt(timeline: readonly TimelineEntry[], state: State, now: Date) {
  const entry = timeline.findLast(
    (item) => item.kind === 'labeled' && item.label === labelOf(state),
  );
  const since = entry?.at;
  return { since, ageMs: since === undefined ? undefined : now.getTime() - Date.parse(since) };
}

function workingRow(item: PrFacts, stage: WorkingState, facts: LineFacts): WorkingRow {
  const attempts = attemptFacts(item.timeline, facts.isFactoryActor, facts.config);
  return {
    number: item.pr.number,
    title: item.pr.title,
    stage,
    attempt: currentAttempt(attempts, stage),
    maxAttempts: attempts.maxAttempts[stage],
    ...enteredAt(item.timeline, stage, facts.now),
    dollars: totalSpend(item.ledger).dollars,
  };
}

/**
 * Where a parked PR restarts by default: where its reason's advice sends it (the status comment
 * says the same), else the stage it parked in; a park with neither needs a person to say where.
 */
export function defaultResumeStage(park: Ledger['park']): State | undefined {
  if (park === undefined) return undefined;
  return resumeStageOf(park.reason) ?? park.stage;
}

function parkedRow(item: PrFacts, now: Date): ParkedRow {
  const park = item.ledger.park;
  return {
    number: item.pr.number,
    title: item.pr.title,
    reason: park?.reason ?? 'unknown',
    reasonTitle: park === undefined ? 'No reason recorded' : PARK_REASONS[park.reason].title,
    fromStage: park?.stage,
    resumeFrom: defaultResumeStage(park),
    detail: park?.detail ?? 'The status comment records no park; read the PR’s comments.',
    ...enteredAt(item.timeline, 'needs-attention', now),
    dollars: totalSpend(item.ledger).dollars,
  };
}

function daySpend(facts: LineFacts): DaySpend {
  const ceiling = facts.config.budgets.perDayDollars;
  return {
    day: dayOf(facts.now),
    dollars: facts.spentToday,
    ceiling,
    reached: facts.spentToday >= ceiling,
  };
}

/** Queue order (priority, then first queued), each PR with what the scheduler would say of it. */
function queueRows(
  facts: LineFacts,
  inFlight: readonly { number: number }[],
  today: DaySpend,
): QueueRow[] {
  const ready = facts.queued.flatMap((reading) => (reading.ok ? [reading] : []));
  const decision = pickNext({
    queued: ready.map((reading) => reading.candidate),
    inFlight,
    mergedSpecNumbers: facts.mergedSpecNumbers,
    maxInFlight: facts.config.maxInFlight,
  });
  const held = new Map(decision.held.map((hold) => [hold.number, hold.message]));
  const picked = decision.kind === 'pick' ? decision.pick.number : undefined;
  const next = today.reached
    ? `Waits for the next UTC day: the line spent ${formatDollars(today.dollars)} of its ${formatDollars(today.ceiling)} today (budgets.perDayDollars).`
    : 'Next: the scheduler puts it on the line at its next run.';
  const ordered = [...ready].sort((a, b) => compareQueueOrder(a.candidate, b.candidate));
  const rows: QueueRow[] = ordered.map((reading, index) => ({
    position: index + 1,
    number: reading.pr.number,
    title: reading.pr.title,
    specNumber: reading.candidate.specNumber,
    priority: reading.candidate.priority,
    status: reading.pr.number === picked && !today.reached ? 'next' : 'waiting',
    message: reading.pr.number === picked ? next : (held.get(reading.pr.number) ?? ''),
  }));
  const invalid = facts.queued.flatMap((reading) => (reading.ok ? [] : [reading]));
  return [
    ...rows,
    ...invalid.map((reading, index) => ({
      position: rows.length + index + 1,
      number: reading.pr.number,
      title: reading.pr.title,
      specNumber: undefined,
      priority: undefined,
      status: 'invalid' as const,
      message: `Will be parked: ${reading.problem}`,
    })),
  ];
}

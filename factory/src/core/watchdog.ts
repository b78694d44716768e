/**
 * The watchdog's judgement, pure: which PRs it may touch, whether a stage has stalled, and how a
 * stall becomes a transition. A stage that crashed leaves its PR in a working state with no run
 * behind it; the watchdog re-runs it in place once, then parks it `stage-crashed`. A PR with
 * several state labels, or none while its status comment shows it on the line, is parked.
 */
import { isStateLabelEntry, type IsFactoryActor, type TimelineEntry } from './attempts.ts';
import type { LineEvent } from './line.ts';
import type { GitHubPort, PullRequestSnapshot } from './ports.ts';
import { isState, isWorkingState, labelOf, statesIn, type WorkingState } from './states.ts';

/** A run of a stage's workflow that has not finished, as the port lists it. */
export type ActiveRun = Awaited<ReturnType<GitHubPort['listActiveRuns']>>[number];

/** What the watchdog makes of a PR before looking at its timeline. */
export type Triage =
  | { readonly kind: 'leave'; readonly why: string }
  /** Several state labels: no stage can tell whose turn it is. */
  | { readonly kind: 'label-conflict'; readonly detail: string }
  /** No state label: on the line only if its status comment says so (see `stageInStatus`). */
  | { readonly kind: 'unlabelled' }
  | { readonly kind: 'watch'; readonly stage: WorkingState };

/** Sorts an open PR: fork PRs, queued and parked PRs are none of the watchdog's business. */
export function triage(pr: PullRequestSnapshot): Triage {
  if (pr.isFork) return { kind: 'leave', why: 'fork PRs never run a stage' };
  const states = statesIn(pr.labels);
  const [only] = states;
  if (states.length > 1) {
    const labels = states.map((state) => `\`${labelOf(state)}\``).join(', ');
    return { kind: 'label-conflict', detail: `The PR carried ${labels} at once.` };
  }
  if (only === undefined) return { kind: 'unlabelled' };
  if (!isWorkingState(only)) return { kind: 'leave', why: `state:${only} waits for a person` };
  return { kind: 'watch', stage: only };
}

/** The heading `renderStatus` writes: `### 🏭 Factory status: \`state:<state>\``. */
const STATUS_HEADING = /^### 🏭 Factory status: `state:([a-z-]+)`$/m;

/**
 * The working state a status comment shows the PR in, or `undefined` when it shows none (no
 * comment, merged, queued, parked). Only the factory's own status comment is passed in here.
 */
export function stageInStatus(body: string | undefined): WorkingState | undefined {
  const shown = body === undefined ? undefined : STATUS_HEADING.exec(body)?.[1];
  return shown !== undefined && isState(shown) && isWorkingState(shown) ? shown : undefined;
}

/** Whether a status comment shows the PR parked (`state:needs-attention`). */
export function parkedInStatus(body: string | undefined): boolean {
  return body !== undefined && STATUS_HEADING.exec(body)?.[1] === 'needs-attention';
}

/**
 * Whether the PR's missing state label is a person's doing: the last state-label event of its
 * timeline is someone other than the factory taking `state:needs-attention` off.
 */
export function personTookParkOff(
  timeline: readonly TimelineEntry[],
  isFactory: IsFactoryActor,
): boolean {
  const last = timeline.findLast(isStateLabelEntry);
  return (
    last?.kind === 'unlabeled' &&
    last.label === labelOf('needs-attention') &&
    !isFactory(last.actor)
  );
}

/**
 * How long a person's resume may wait for its route job, which takes the park off within seconds
 * (routing.ts), or minutes when runners are busy; capped by the stage limit.
 */
const RESUME_GRACE_MINUTES = 10;

/**
 * Whether a PR carrying `state:needs-attention` and one other state label is a resume the route
 * job has yet to finish: the last state-label event is a person adding that other label, within
 * the grace above. A resume its route job never finished is parked `label-conflict` on a later
 * tick.
 */
export function resumeUnderway(
  pr: PullRequestSnapshot,
  timeline: readonly TimelineEntry[],
  isFactory: IsFactoryActor,
  at: { readonly now: Date; readonly timeoutMinutes: number },
): boolean {
  const states = statesIn(pr.labels);
  const other = states.find((state) => state !== 'needs-attention');
  if (states.length !== 2 || !states.includes('needs-attention') || other === undefined)
    return false;
  const last = timeline.findLast(isStateLabelEntry);
  const grace = Math.min(RESUME_GRACE_MINUTES, at.timeoutMinutes);
  return (
    last?.kind === 'labeled' &&
    last.label === labelOf(other) &&
    !isFactory(last.actor) &&
    // An unreadable time is no resume: the PR would otherwise never be parked.
    !Number.isNaN(Date.parse(last.at)) &&
    !isPastLimit(last.at, at.now, grace)
  );
}

/** When the current run of a stage began, as far as the timeline shows. */
export interface StageStart {
  readonly at: string;
  /** The start was the watchdog's own re-run of a crashed stage (or the gate's, after a cancel). */
  readonly afterCrash: boolean;
  /** The person whose label started it; absent when the line did. */
  readonly labelledBy?: string;
}

/**
 * The latest start of `stage`: its label being set (by anyone), or the factory's re-run note for
 * it, whichever came last in the timeline (oldest first). `undefined` when neither is there.
 */
export function stageStart(
  timeline: readonly TimelineEntry[],
  stage: WorkingState,
  isFactory: IsFactoryActor,
): StageStart | undefined {
  const label = labelOf(stage);
  const start = timeline.findLast((entry) =>
    entry.kind === 'rerun'
      ? entry.stage === stage && isFactory(entry.actor)
      : entry.kind === 'labeled' && entry.label === label,
  );
  if (start === undefined) return undefined;
  const afterCrash = start.kind === 'rerun' && start.reason === 'stage-crashed';
  return start.kind === 'labeled' && !isFactory(start.actor)
    ? { at: start.at, afterCrash, labelledBy: start.actor }
    : { at: start.at, afterCrash };
}

/** True when the stage started longer ago than the limit; an unreadable time is not a stall. */
export function isPastLimit(startedAt: string, now: Date, timeoutMinutes: number): boolean {
  const started = Date.parse(startedAt);
  return !Number.isNaN(started) && now.getTime() - started > timeoutMinutes * 60_000;
}

/**
 * True when a run of the stage may be working on `pr`. A run whose title names no PR (an older
 * run-name, a run started by a pull_request event) might be this PR's, so it counts: waiting one
 * more tick is cheap, two runs of one stage on one PR are not.
 */
export function hasActiveRun(runs: readonly ActiveRun[], pr: number): boolean {
  return runs.some((run) => run.pr === undefined || run.pr === pr);
}

/**
 * The event a stalled stage makes. When the stalled run was itself the re-run of a crash, with
 * nothing in between, it says so: the line re-runs a crash once, even when retries for other
 * reasons remain.
 */
export function crashEvent(start: StageStart): LineEvent {
  return {
    type: 'attempt-failed',
    reason: 'stage-crashed',
    ...(start.afterCrash ? { crashedAgain: true } : {}),
  };
}

/**
 * The watchdog stage: code, no agent, run on a schedule. A stage that crashed between two writes
 * leaves its PR in a working state with no run behind it: past `stageTimeoutMinutes` the watchdog
 * re-runs it in place once (a re-run note and a dispatch), and parks it `stage-crashed` when it
 * stalls again. It also parks a PR whose state labels broke: several at once (but for a
 * person's resume its route job is finishing), or none while its status comment shows it on the
 * line (R-04). Queued, parked and fork PRs are left alone.
 */
import { attemptFacts } from '../core/attempts.ts';
import type { FactoryConfig } from '../core/config.ts';
import { isWriter } from '../core/guardrails.ts';
import { transition, type LineEvent } from '../core/line.ts';
import type { GitHubPort, PullRequestSnapshot, StatusComment } from '../core/ports.ts';
import { parseLedger, recordPark, renderStatus } from '../core/status.ts';
import { statesIn, type WorkingState } from '../core/states.ts';
import {
  crashEvent,
  hasActiveRun,
  isPastLimit,
  parkedInStatus,
  personTookParkOff,
  resumeUnderway,
  stageInStatus,
  stageStart,
  triage,
  type ActiveRun,
  type StageStart,
} from '../core/watchdog.ts';
import { carryOut } from './carry-out.ts';
import { outcomeOf, type StageOutcome } from './outcome.ts';

export interface WatchdogDeps {
  readonly github: GitHubPort;
  readonly config: FactoryConfig;
  /** The time of this tick; injected, so a stall is decided against one clock tests control. */
  readonly now: () => Date;
}

type RunsOf = (stage: WorkingState) => Promise<readonly ActiveRun[]>;

/** One tick: looks at every open PR once and reports what it did; `idle` when nothing needed it. */
export async function runWatchdog(deps: WatchdogDeps): Promise<StageOutcome[]> {
  const runsOf = cachedRunsOf(deps.github);
  const outcomes: StageOutcome[] = [];
  for (const pr of await deps.github.listOpenPullRequests()) {
    const outcome = await watch(deps, pr, runsOf);
    if (outcome !== undefined) outcomes.push(outcome);
  }
  return outcomes.length > 0 ? outcomes : [{ kind: 'idle', reason: 'no stalled or broken PR' }];
}

/** Lists each stage's active runs at most once per tick, and only for stages that stalled. */
function cachedRunsOf(github: GitHubPort): RunsOf {
  const listed = new Map<WorkingState, Promise<readonly ActiveRun[]>>();
  return (stage) => {
    const runs = listed.get(stage) ?? github.listActiveRuns(stage);
    listed.set(stage, runs);
    return runs;
  };
}

async function watch(
  deps: WatchdogDeps,
  pr: PullRequestSnapshot,
  runsOf: RunsOf,
): Promise<StageOutcome | undefined> {
  const found = triage(pr);
  switch (found.kind) {
    case 'leave':
      return undefined;
    case 'label-conflict':
      if (await resumingNow(deps, pr)) return undefined;
      return parkBroken(deps.github, pr, { reason: 'label-conflict', detail: found.detail });
    case 'unlabelled': {
      // Most PRs without a state label were never on the line; only the status comment tells.
      const status = await deps.github.readStatusComment(pr.number);
      const stage = stageInStatus(status?.body);
      if (stage !== undefined) {
        const detail = `The PR has no state label, but its status comment shows it in state:${stage}.`;
        return parkBroken(deps.github, pr, { reason: 'state-lost', detail, stage });
      }
      return parkedInStatus(status?.body) ? finishPark(deps.github, pr, status) : undefined;
    }
    case 'watch':
      return watchStage(deps, pr, found.stage, runsOf);
  }
}

/** A person's resume of the parked PR that its route job is about to finish: leave it be. */
async function resumingNow(deps: WatchdogDeps, pr: PullRequestSnapshot): Promise<boolean> {
  if (!statesIn(pr.labels).includes('needs-attention')) return false;
  return resumeUnderway(
    pr,
    await deps.github.readTimeline(pr.number),
    (login) => deps.github.isFactoryActor(login),
    { now: deps.now(), timeoutMinutes: deps.config.stageTimeoutMinutes },
  );
}

/** Re-runs (or parks) a stage that started past the limit and has no run behind it. */
async function watchStage(
  deps: WatchdogDeps,
  pr: PullRequestSnapshot,
  stage: WorkingState,
  runsOf: RunsOf,
): Promise<StageOutcome | undefined> {
  const { github, config } = deps;
  const isFactory = (login: string) => github.isFactoryActor(login);
  const timeline = await github.readTimeline(pr.number);
  const start = stageStart(timeline, stage, isFactory);
  if (start === undefined || !isPastLimit(start.at, deps.now(), config.stageTimeoutMinutes))
    return undefined;
  if (hasActiveRun(await runsOf(stage), pr.number)) return undefined;

  const facts = attemptFacts(timeline, isFactory, config);
  const next = transition(stage, await stallEvent(github, start), facts);
  const result = await carryOut({
    github,
    pr,
    from: stage,
    transition: next,
    ledger: parseLedger((await github.readStatusComment(pr.number))?.body),
    headSha: pr.headSha,
  });
  return result.kind === 'stood-down'
    ? { kind: 'stood-down', pr: pr.number, reason: result.reason }
    : outcomeOf(pr.number, next);
}

/**
 * What a stalled stage's start means. The route job turns away a state label from someone
 * without write permission as it is set; should that have failed, the label still stands,
 * and re-running the stage on it would start an agent for them. Then the PR parks instead.
 */
async function stallEvent(github: GitHubPort, start: StageStart): Promise<LineEvent> {
  if (start.labelledBy === undefined) return crashEvent(start);
  const permission = await github.permissionOf(start.labelledBy);
  if (isWriter(permission)) return crashEvent(start);
  const detail = `@${start.labelledBy}, who has ${permission} permission, set the stage's label, and it was not turned away.`;
  return { type: 'blocked', reason: 'not-a-writer', detail };
}

interface Breakage {
  readonly reason: 'label-conflict' | 'state-lost';
  readonly detail: string;
  readonly stage?: WorkingState;
}

/**
 * Parks a PR whose state labels broke. `carryOut` cannot do it: it stands down on anything
 * but exactly one state label. So this re-reads the PR itself and writes only if its state labels
 * and head are as the watchdog saw them; then the status comment, then one label write that
 * replaces every state label with `state:needs-attention` (label last, as everywhere).
 */
async function parkBroken(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  broken: Breakage,
): Promise<StageOutcome> {
  const status: StatusComment | undefined = await github.readStatusComment(pr.number);
  const fresh = await github.readPullRequest(pr.number);
  if (fresh === undefined || !isUnchanged(fresh, pr))
    return { kind: 'stood-down', pr: pr.number, reason: `PR #${pr.number} changed meanwhile` };

  const ledger = recordPark(parseLedger(status?.body), broken);
  await github.writeStatusComment(pr.number, renderStatus('needs-attention', ledger), status);
  await github.setState(pr.number, fresh.labels, 'needs-attention');
  return { kind: 'parked', pr: pr.number, reason: broken.reason, detail: broken.detail };
}

/**
 * A park whose label write never landed: the status comment says `state:needs-attention`,
 * the PR carries no state label, and no person took the label off. The missing write is made.
 */
async function finishPark(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  status: StatusComment | undefined,
): Promise<StageOutcome | undefined> {
  const timeline = await github.readTimeline(pr.number);
  if (personTookParkOff(timeline, (login) => github.isFactoryActor(login))) return undefined;
  const fresh = await github.readPullRequest(pr.number);
  if (fresh === undefined || !isUnchanged(fresh, pr))
    return { kind: 'stood-down', pr: pr.number, reason: `PR #${pr.number} changed meanwhile` };
  await github.setState(pr.number, fresh.labels, 'needs-attention');
  const park = parseLedger(status?.body).park;
  return {
    kind: 'parked',
    pr: pr.number,
    reason: park?.reason ?? 'state-lost',
    detail:
      `The PR was parked, but its state:needs-attention label had not landed: set it now. ${park?.detail ?? ''}`.trim(),
  };
}

/** Still open, at the same head, with the same (broken) state labels as when the tick began. */
function isUnchanged(fresh: PullRequestSnapshot, seen: PullRequestSnapshot): boolean {
  const states = (pr: PullRequestSnapshot) => statesIn(pr.labels).sort().join(',');
  return fresh.open && fresh.headSha === seen.headSha && states(fresh) === states(seen);
}

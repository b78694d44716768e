/**
 * The scheduler stage: code, no agent. It lints every queued PR's spec (parking a bad one with
 * what to fix, R-13), then puts the next eligible PR on the line — by priority, then first queued,
 * respecting `depends-on` — while the line has room (serial by default) and the day's spending
 * ceiling is not reached.
 */
import type { FactoryConfig } from '../core/config.ts';
import { transition } from '../core/line.ts';
import type { GitHubPort, PullRequestSnapshot } from '../core/ports.ts';
import { pickNext, type QueuedPr } from '../core/schedule.ts';
import { specNumberOfPath } from '../core/spec/index.ts';
import { dayTotal, formatDollars, parseLedger, recordFeedback, type Day } from '../core/status.ts';
import { isWorkingState, statesIn } from '../core/states.ts';
import { carryOut } from './carry-out.ts';
import { today, type Clock } from './clock.ts';
import type { StageOutcome } from './outcome.ts';
import { readQueuedSpecs, type QueuedSpec } from './queued-spec.ts';

type EligibleSpec = Extract<QueuedSpec, { ok: true }>;

/** The clock tells the UTC day the per-day ceiling counts. */
export interface SchedulerDeps extends Clock {
  readonly github: GitHubPort;
  readonly config: FactoryConfig;
  /** Spec files on the default branch: merged specs, and the numbers a new spec may not reuse. */
  readonly specPathsOnMain: readonly string[];
}

export async function runScheduler(deps: SchedulerDeps): Promise<StageOutcome[]> {
  const { github, specPathsOnMain } = deps;
  const open = await github.listOpenPullRequests();
  const working = open.filter((pr) => statesIn(pr.labels).some(isWorkingState));
  const inFlight = working.map((pr) => ({ number: pr.number }));
  const queued = open.filter((pr) => isOnlyQueued(pr));
  const elsewhereOnLine = open.filter(
    (pr) => !queued.includes(pr) && statesIn(pr.labels).length > 0,
  );
  // Read only when a spec could start, and before the queued PRs: their reading must stay the
  // latest before the write that puts one on the line.
  const day = today(deps);
  const couldStart = queued.length > 0 && inFlight.length < deps.config.maxInFlight;
  const spentToday = couldStart
    ? dayTotal(await github.readDaySpend(day), deps.config.budgets.perPrDollars)
    : 0;
  const readings = await readQueuedSpecs(github, queued, elsewhereOnLine, specPathsOnMain);

  const outcomes: StageOutcome[] = [];
  for (const reading of readings) {
    if (!reading.ok) outcomes.push(await park(github, reading.pr, reading.reason, reading.problem));
  }
  const eligible = readings.flatMap((reading): EligibleSpec[] => (reading.ok ? [reading] : []));
  const candidates: QueuedPr[] = eligible.map(({ pr, spec, queuedAt }) => ({
    number: pr.number,
    specNumber: spec.number,
    queuedAt,
    priority: spec.priority,
    dependsOn: spec.dependsOn,
  }));
  const mergedSpecNumbers = specPathsOnMain.flatMap((path) => specNumberOfPath(path) ?? []);
  const facts = { inFlight, mergedSpecNumbers, maxInFlight: deps.config.maxInFlight };

  // A spec caught in a `depends-on` cycle, or waiting on one, can never start: it parks now, with
  // the cycle named, instead of waiting where only `factory status` would show it.
  for (const hold of pickNext({ queued: candidates, ...facts }).held) {
    if (hold.code !== 'dependency-cycle' && hold.code !== 'blocked-by-cycle') continue;
    const reading = eligible.find(({ pr }) => pr.number === hold.number);
    if (reading === undefined) continue;
    const detail = `${reading.file.path}: ${hold.message} Change \`depends-on\` so that no spec waits on itself.`;
    outcomes.push(await park(github, reading.pr, 'spec-invalid', detail));
    candidates.splice(
      candidates.findIndex((candidate) => candidate.number === hold.number),
      1,
    );
  }

  for (;;) {
    const decision = pickNext({ queued: candidates, ...facts });
    if (decision.kind === 'wait') {
      if (outcomes.length === 0) outcomes.push({ kind: 'idle', reason: decision.message });
      return outcomes;
    }
    const picked = eligible.find(({ pr }) => pr.number === decision.pick.number);
    if (picked === undefined) return outcomes;
    if (spentToday >= deps.config.budgets.perDayDollars) {
      outcomes.push({ kind: 'idle', reason: dayCeilingReached(spentToday, deps.config, day) });
      return outcomes;
    }
    // Only the first write of the run may trust a reading made before it.
    outcomes.push(await putOnLine(github, picked, outcomes.length === 0));
    inFlight.push({ number: picked.pr.number });
    candidates.splice(candidates.indexOf(decision.pick), 1);
  }
}

/**
 * Why nothing starts today. A PR already on the line goes on within its own ceiling, so a day's
 * spend stays under `perDayDollars` plus `maxInFlight` times `perPrDollars` (ADR 0010).
 */
function dayCeilingReached(spent: number, config: FactoryConfig, day: Day): string {
  return `The line spent ${formatDollars(spent)} on ${day} (UTC), which reaches budgets.perDayDollars (${formatDollars(config.budgets.perDayDollars)}): no queued spec starts before the next day. Raise the ceiling in factory.config.yaml to start one sooner.`;
}

function isOnlyQueued(pr: PullRequestSnapshot): boolean {
  const states = statesIn(pr.labels);
  return !pr.isFork && states.length === 1 && states[0] === 'queued';
}

async function putOnLine(
  github: GitHubPort,
  queued: EligibleSpec,
  nothingWrittenSinceReading: boolean,
): Promise<StageOutcome> {
  const { pr, file: spec, statusComment: comment, current } = queued;
  // A fresh run of the line: the spec as queued now, no feedback from an earlier run.
  const ledger = { ...recordFeedback(parseLedger(comment?.body), undefined), spec };
  const result = await carryOut({
    github,
    pr,
    from: 'queued',
    transition: transition('queued', { type: 'picked' }),
    ledger,
    headSha: pr.headSha,
    status: { comment },
    // Read with the timeline a moment ago: no need to read it again if nothing was written since.
    ...(current === undefined || !nothingWrittenSinceReading ? {} : { fresh: current }),
  });
  return result.kind === 'stood-down'
    ? { kind: 'stood-down', pr: pr.number, reason: result.reason }
    : { kind: 'moved', pr: pr.number, to: 'plan' };
}

async function park(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  reason: Extract<QueuedSpec, { ok: false }>['reason'],
  detail: string,
): Promise<StageOutcome> {
  const comment = await github.readStatusComment(pr.number);
  const ledger = parseLedger(comment?.body);
  const event = { type: 'blocked', reason, detail } as const;
  const result = await carryOut({
    github,
    pr,
    from: 'queued',
    transition: transition('queued', event),
    ledger,
    headSha: pr.headSha,
    status: { comment },
  });
  return result.kind === 'stood-down'
    ? { kind: 'stood-down', pr: pr.number, reason: result.reason }
    : { kind: 'parked', pr: pr.number, reason, detail };
}

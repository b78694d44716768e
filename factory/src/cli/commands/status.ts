/**
 * `factory status`: the line at a glance — what it spent today against its daily ceiling; each PR
 * on it with its stage, attempt, time in stage and spend; parked PRs with their reason; the queue
 * in the scheduler's order. A table for
 * people, `--json` for scripts. Reads only.
 */
import { Command } from '@commander-js/extra-typings';
import type { PullRequestSnapshot } from '../../core/ports.ts';
import { specNumberOfPath, SPECS_DIR } from '../../core/spec/index.ts';
import { dayOf, dayTotal, parseLedger } from '../../core/status.ts';
import { statesIn } from '../../core/states.ts';
import { readQueuedSpecs } from '../../stages/queued-spec.ts';
import {
  apiUrlOption,
  connect,
  jsonOption,
  repoOption,
  type CliDeps,
  type Connection,
  type ConnectionFlags,
} from '../connection.ts';
import { runGuarded, type SetExitCode } from '../guard.ts';
import {
  buildLineStatus,
  type LineStatus,
  type PrFacts,
  type QueuedReading,
} from '../line-status.ts';
import { printLineStatus } from '../line-status-view.ts';

export interface StatusFlags extends ConnectionFlags {
  readonly json?: boolean;
}

function isOnlyQueued(pr: PullRequestSnapshot): boolean {
  const states = statesIn(pr.labels);
  return !pr.isFork && states.length === 1 && states[0] === 'queued';
}

/** Reads the open PRs on the line and builds the status. */
export async function readLineStatus(connection: Connection, now: Date): Promise<LineStatus> {
  const { github, admin, repository, config } = connection;
  const [open, specPathsOnMain, spentByPr] = await Promise.all([
    github.listOpenPullRequests(),
    admin.listDirectory(SPECS_DIR, repository.defaultBranch),
    github.readDaySpend(dayOf(now)),
  ]);
  const queued = open.filter(isOnlyQueued);
  const onLine = open.filter((pr) => !queued.includes(pr) && statesIn(pr.labels).length > 0);
  const [facts, readings] = await Promise.all([
    Promise.all(onLine.map((pr) => readPrFacts(connection, pr))),
    readQueuedSpecs(github, queued, onLine, specPathsOnMain),
  ]);
  const queuedReadings: QueuedReading[] = readings.map((reading) =>
    reading.ok
      ? {
          ok: true,
          pr: reading.pr,
          candidate: {
            number: reading.pr.number,
            specNumber: reading.spec.number,
            queuedAt: reading.queuedAt,
            priority: reading.spec.priority,
            dependsOn: reading.spec.dependsOn,
          },
        }
      : { ok: false, pr: reading.pr, problem: reading.problem },
  );
  return buildLineStatus({
    repository: `${repository.owner}/${repository.name}`,
    config,
    isFactoryActor: (login) => github.isFactoryActor(login),
    onLine: facts,
    queued: queuedReadings,
    mergedSpecNumbers: specPathsOnMain.flatMap((path) => specNumberOfPath(path) ?? []),
    now,
    spentToday: dayTotal(spentByPr, config.budgets.perPrDollars),
  });
}

async function readPrFacts(connection: Connection, pr: PullRequestSnapshot): Promise<PrFacts> {
  const [timeline, comment] = await Promise.all([
    connection.github.readTimeline(pr.number),
    connection.github.readStatusComment(pr.number),
  ]);
  return { pr, timeline, ledger: parseLedger(comment?.body) };
}

export function runStatus(flags: StatusFlags, deps: CliDeps): Promise<number> {
  return runGuarded(deps.io, async () => {
    const connection = await connect(flags, deps);
    const status = await readLineStatus(connection, (deps.now ?? (() => new Date()))());
    if (flags.json === true) deps.io.out(JSON.stringify(status, null, 2));
    else printLineStatus(status, deps.io);
    return 0;
  });
}

export function statusCommand(deps: CliDeps, setExitCode: SetExitCode) {
  return new Command('status')
    .description('Show the line at a glance: stages, attempts, spend, parked PRs and the queue')
    .addOption(repoOption())
    .addOption(apiUrlOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
"In stage" is the time since the PR's current state label was set. Spend is what the status
comment's ledger records for the PR. The queue is in the order the scheduler takes it.

Examples:
  $ pnpm factory status
  $ pnpm factory status --json | jq '.parked[] | {number, reason}'`,
    )
    .action(async (options) => {
      setExitCode(await runStatus(options, deps));
    });
}

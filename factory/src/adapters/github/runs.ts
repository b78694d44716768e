/**
 * Whether a stage is still running for a PR, for the watchdog. GitHub's run listing does not
 * return a dispatched run's inputs, so every stage workflow titles its runs `<stage> #<pr>` (with
 * ` · <dispatch id>` after a dispatch, see dispatch.ts) through `run-name:`, which the listing
 * returns as `display_title`.
 */
import type { StageName } from '../../core/line.ts';
import type { ActiveRun } from '../../core/watchdog.ts';
import type { GitHubContext } from './context.ts';
import type { WorkflowFileOf } from './dispatch.ts';
import { callGitHub } from './errors.ts';

/** Statuses of a run that has not finished; `action_required` waits for a person, not a runner. */
const ACTIVE_STATUSES: ReadonlySet<string> = new Set([
  'queued',
  'in_progress',
  'waiting',
  'requested',
  'pending',
]);

/**
 * One page is enough: a run that is still active after 100 newer runs of the same workflow were
 * created has outlived any stage's time limit. One listing filtered here, rather than one request
 * per status, since GitHub's `status` filter takes a single value.
 */
const RECENT_RUNS = 100;

/** The PR a run's title names (`plan #12` → 12), or `undefined` when it names none. */
export function prOfRunTitle(title: string | undefined): number | undefined {
  const match = /#(\d+)\b/.exec(title ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Runs of `stage`'s workflow that are queued, waiting or in progress, newest first. */
export function listActiveRuns(
  ctx: GitHubContext,
  workflowFileOf: WorkflowFileOf,
  stage: StageName,
): Promise<ActiveRun[]> {
  return callGitHub('listActiveRuns', async () => {
    const { data } = await ctx.octokit.rest.actions.listWorkflowRuns({
      ...ctx.repo,
      workflow_id: workflowFileOf(stage),
      per_page: RECENT_RUNS,
    });
    return data.workflow_runs
      .filter((run) => run.status !== null && ACTIVE_STATUSES.has(run.status))
      .map((run) => ({
        pr: prOfRunTitle(run.display_title),
        status: run.status ?? '',
        createdAt: run.created_at,
      }));
  });
}

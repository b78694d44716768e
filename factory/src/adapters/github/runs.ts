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
const ACTIVE_STATUSES = ['queued', 'in_progress', 'waiting', 'requested', 'pending'] as const;

/**
 * One listing per unfinished status, since GitHub's `status` filter takes a single value. A
 * listing of the newest runs filtered here would miss a slow run: every stage workflow also
 * starts (and skips) a run for each label set on any PR, and a busy repository's bots set a
 * hundred in less than a stage's time limit. A hundred runs of one stage in one such status at
 * once, on the other hand, is beyond any line.
 */
const RUNS_PER_STATUS = 100;

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
    const listings = await Promise.all(
      ACTIVE_STATUSES.map((status) =>
        ctx.octokit.rest.actions.listWorkflowRuns({
          ...ctx.repo,
          workflow_id: workflowFileOf(stage),
          status,
          per_page: RUNS_PER_STATUS,
        }),
      ),
    );
    return listings
      .flatMap(({ data }) => data.workflow_runs)
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
      .map((run) => ({
        pr: prOfRunTitle(run.display_title),
        status: run.status ?? '',
        createdAt: run.created_at,
      }));
  });
}

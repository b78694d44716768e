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

/**
 * Statuses of a run that has not finished, in the order a run passes through them;
 * `action_required` waits for a person, not a runner.
 */
const ACTIVE_STATUSES = ['requested', 'waiting', 'pending', 'queued', 'in_progress'] as const;

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
    // One after another, in the order a run moves through them: a run that moves on between two
    // listings is found by the later one, where listings side by side could both miss it.
    const runs = [];
    for (const status of ACTIVE_STATUSES) {
      const { data } = await ctx.octokit.rest.actions.listWorkflowRuns({
        ...ctx.repo,
        workflow_id: workflowFileOf(stage),
        status,
        per_page: RUNS_PER_STATUS,
      });
      runs.push(...data.workflow_runs);
    }
    return [...new Map(runs.map((run) => [run.id, run])).values()]
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
      .map((run) => ({
        pr: prOfRunTitle(run.display_title),
        status: run.status ?? '',
        createdAt: run.created_at,
      }));
  });
}

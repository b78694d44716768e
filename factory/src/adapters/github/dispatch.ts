/**
 * Starting a stage. Label writes made with the job token trigger nothing, so every move
 * dispatches the next stage explicitly, always on the default branch: the workflow that judges a
 * PR is main's, never the one the PR's branch may have edited (github-mechanics §1).
 *
 * A dispatch is sent once. A 5xx leaves it unknown whether GitHub filed the run (ADR 0008), and a
 * run sent twice is a second paid session for the same stage: so each dispatch carries an id that
 * every stage workflow puts in its run's title (`run-name`), and after an unknown outcome the
 * dispatch is looked for by that id before it is sent again.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { StageName } from '../../core/line.ts';
import type { StageInputs } from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub, outcomeUnknown } from './errors.ts';
import { retryPolicyOf } from './octokit.ts';

/** Names the workflow file of a stage, e.g. `plan` → `plan.yml`. */
export type WorkflowFileOf = (stage: StageName) => string;

export const defaultWorkflowFile: WorkflowFileOf = (stage) => `${stage}.yml`;

/** GitHub files a run a moment after it accepts a dispatch: the look waits this long first. */
const SECONDS_BEFORE_LOOKING = 3;

/** Runs of the workflow looked through for the dispatch's id, newest first. */
const RECENT_DISPATCHED_RUNS = 30;

/** The input naming a dispatch's run. */
const DISPATCH_ID = 'dispatch_id';

/**
 * The inputs a dispatch may send each workflow the line dispatches. GitHub refuses a dispatch that
 * sends an input its workflow does not declare (422), so each must declare all of them.
 */
export const DISPATCH_INPUTS: Readonly<Record<'stage' | 'scheduler', readonly string[]>> = {
  stage: ['pr', 'expected_head_sha', DISPATCH_ID],
  scheduler: [DISPATCH_ID],
};

/** Workflow inputs are strings on GitHub; inputs the caller leaves out are not sent at all. */
export function toWorkflowInputs(inputs: StageInputs): Record<string, string> {
  const sent: Record<string, string> = {};
  if (inputs.pr !== undefined) sent.pr = String(inputs.pr);
  if (inputs.expectedHeadSha !== undefined) sent.expected_head_sha = inputs.expectedHeadSha;
  return sent;
}

/** The title a stage workflow's `run-name` gives the run of a dispatch with `dispatchId`. */
const titledFor = (title: string, dispatchId: string): boolean =>
  title.endsWith(` · ${dispatchId}`);

/** Dispatches `stage`'s workflow on the default branch with the PR and the head it expects. */
export async function dispatch(
  ctx: GitHubContext,
  workflowFileOf: WorkflowFileOf,
  stage: StageName,
  inputs: StageInputs,
): Promise<void> {
  const workflow = workflowFileOf(stage);
  const dispatchId = randomBytes(4).toString('hex');
  const send = () =>
    ctx.octokit.rest.actions.createWorkflowDispatch({
      ...ctx.repo,
      workflow_id: workflow,
      ref: ctx.repository.defaultBranch,
      inputs: { ...toWorkflowInputs(inputs), [DISPATCH_ID]: dispatchId },
      // Not retried by the client: after an unknown outcome the run is looked for first.
      request: { retries: 0 },
    });
  // As many tries as the client gives any other request, each after a look for the last one.
  const policy = retryPolicyOf(ctx.octokit);
  await callGitHub('dispatch', async () => {
    for (let readBacks = 0; ; readBacks++) {
      try {
        await send();
        return;
      } catch (error) {
        if (!outcomeUnknown(error) || readBacks === policy.maxRetries) throw error;
        await delay(SECONDS_BEFORE_LOOKING * policy.msPerSecond);
        const filed = await runFiled(ctx, workflow, dispatchId).catch(() => {
          throw error; // unreadable as well: the dispatch's own failure is the one to report
        });
        if (filed) return;
      }
    }
  });
}

/** Whether GitHub filed a run of `workflow` for the dispatch `dispatchId`. */
async function runFiled(ctx: GitHubContext, workflow: string, dispatchId: string) {
  const { data } = await ctx.octokit.rest.actions.listWorkflowRuns({
    ...ctx.repo,
    workflow_id: workflow,
    event: 'workflow_dispatch',
    per_page: RECENT_DISPATCHED_RUNS,
  });
  return data.workflow_runs.some((run) => titledFor(run.display_title, dispatchId));
}

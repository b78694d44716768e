/**
 * Starting a stage. Label writes made with the job token trigger nothing, so every move
 * dispatches the next stage explicitly, always on the default branch: the workflow that judges a
 * PR is main's, never the one the PR's branch may have edited (github-mechanics §1).
 */
import type { StageName } from '../../core/line.ts';
import type { StageInputs } from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub } from './errors.ts';

/** Names the workflow file of a stage, e.g. `plan` → `plan.yml`. */
export type WorkflowFileOf = (stage: StageName) => string;

export const defaultWorkflowFile: WorkflowFileOf = (stage) => `${stage}.yml`;

/** Workflow inputs are strings on GitHub; inputs the caller leaves out are not sent at all. */
export function toWorkflowInputs(inputs: StageInputs): Record<string, string> {
  const sent: Record<string, string> = {};
  if (inputs.pr !== undefined) sent.pr = String(inputs.pr);
  if (inputs.expectedHeadSha !== undefined) sent.expected_head_sha = inputs.expectedHeadSha;
  return sent;
}

/** Dispatches `stage`'s workflow on the default branch with the PR and the head it expects. */
export async function dispatch(
  ctx: GitHubContext,
  workflowFileOf: WorkflowFileOf,
  stage: StageName,
  inputs: StageInputs,
): Promise<void> {
  await callGitHub('dispatch', () =>
    ctx.octokit.rest.actions.createWorkflowDispatch({
      ...ctx.repo,
      workflow_id: workflowFileOf(stage),
      ref: ctx.repository.defaultBranch,
      inputs: toWorkflowInputs(inputs),
    }),
  );
}

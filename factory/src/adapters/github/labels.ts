/** State labels: the state of the line lives in them (design §1). */
import { withState, type State } from '../../core/states.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub, whenStatus } from './errors.ts';

/**
 * Moves the PR to `to` in one write: `PUT` replaces the whole label set, so no reader ever
 * sees zero or two `state:*` labels between a removal and an addition.
 */
export async function setState(
  ctx: GitHubContext,
  pr: number,
  currentLabels: readonly string[],
  to: State,
): Promise<void> {
  await putLabels(ctx, pr, withState(currentLabels, to));
}

/** Replaces the PR's whole label set with `labels`, in one write. */
export async function putLabels(
  ctx: GitHubContext,
  pr: number,
  labels: readonly string[],
): Promise<void> {
  await callGitHub('setState', () =>
    ctx.octokit.rest.issues.setLabels({ ...ctx.repo, issue_number: pr, labels: [...labels] }),
  );
}

/** Removes `label`; a label that is already gone (404) is the outcome wanted, not a failure. */
export async function removeLabel(ctx: GitHubContext, pr: number, label: string): Promise<void> {
  await callGitHub('removeLabel', () =>
    ctx.octokit.rest.issues
      .removeLabel({ ...ctx.repo, issue_number: pr, name: label })
      .catch(whenStatus(404, undefined)),
  );
}

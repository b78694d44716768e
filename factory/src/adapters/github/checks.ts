/**
 * Results on one exact commit: check runs and commit statuses, both reduced to
 * `CheckFact`s. The factory's own CI result is a commit status, because checks of dispatched runs
 * never reach a PR's required checks (github-mechanics §2).
 */
import type { RestEndpointMethodTypes } from '@octokit/rest';
import type { CheckConclusion, CheckFact } from '../../core/checks.ts';
import type { CommitStatus } from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub } from './errors.ts';

type CheckRun =
  RestEndpointMethodTypes['checks']['listForRef']['response']['data']['check_runs'][number];
type Status =
  RestEndpointMethodTypes['repos']['getCombinedStatusForRef']['response']['data']['statuses'][number];

/** GitHub caps a commit status description at 140 characters and refuses longer ones. */
const MAX_DESCRIPTION = 140;

/** Every check run and commit status reported on `sha`, each with the SHA it was reported on. */
export function readChecks(ctx: GitHubContext, sha: string): Promise<CheckFact[]> {
  return callGitHub('readChecks', async () => {
    const [runs, combined] = await Promise.all([
      ctx.octokit.paginate(ctx.octokit.rest.checks.listForRef, {
        ...ctx.repo,
        ref: sha,
        per_page: 100,
      }),
      // The combined status holds the latest status per context, which is all the line judges.
      ctx.octokit.rest.repos.getCombinedStatusForRef({ ...ctx.repo, ref: sha, per_page: 100 }),
    ]);
    return [
      ...runs.map(checkRunFact),
      ...combined.data.statuses.map((status) => statusFact(status, combined.data.sha)),
    ];
  });
}

/** A check run as a fact; anything not completed yet is `pending`. */
export function checkRunFact(run: CheckRun): CheckFact {
  return {
    name: run.name,
    sha: run.head_sha,
    conclusion: run.status === 'completed' ? (run.conclusion ?? 'pending') : 'pending',
    at: run.completed_at ?? run.started_at ?? '',
  };
}

/** A commit status as a fact, on the SHA the combined status was read for. */
export function statusFact(status: Status, sha: string): CheckFact {
  const conclusion: CheckConclusion =
    status.state === 'success' || status.state === 'failure' || status.state === 'error'
      ? status.state
      : 'pending';
  return { name: status.context, sha, conclusion, at: status.updated_at };
}

/** Publishes `status` on exactly `sha`, where branch protection looks for it. */
export async function setCommitStatus(
  ctx: GitHubContext,
  sha: string,
  status: CommitStatus,
): Promise<void> {
  await callGitHub('setCommitStatus', () =>
    ctx.octokit.rest.repos.createCommitStatus({
      ...ctx.repo,
      sha,
      state: status.state,
      context: status.context,
      description: truncate(status.description, MAX_DESCRIPTION),
      ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
    }),
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

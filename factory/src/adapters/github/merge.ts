/**
 * Merging exactly the tested commit and GitHub's server-side rebase. Both are told the head
 * they expect, so a push that lands in between makes them refuse instead of merging or rebasing
 * something nobody tested.
 */
import type { MergeResult, ServerUpdateMethod, ServerUpdateResult } from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { graphqlErrorsOf } from './graphql-errors.ts';
import { callGitHub, githubMessageOf, statusOf } from './errors.ts';

/** Squash-merges `pr` only if its head is still exactly `sha`; `title` is the commit's title. */
export function mergeExactly(
  ctx: GitHubContext,
  pr: number,
  sha: string,
  title: string,
): Promise<MergeResult> {
  return callGitHub('mergeExactly', () =>
    ctx.octokit.rest.pulls
      .merge({ ...ctx.repo, pull_number: pr, sha, merge_method: 'squash', commit_title: title })
      .then(({ data }): MergeResult => ({ merged: true, sha: data.sha }))
      .catch(async (error: unknown): Promise<MergeResult> => {
        const message = githubMessageOf(error);
        const status = statusOf(error);
        // A 405 or 409 (or a 5xx on every try) may answer our own merge, gone through unanswered:
        // once merged, the head is behind main, which a rule wanting heads up to date refuses
        // with a 409. If GitHub cannot say, the merge's own answer is the one to report.
        const outcomeUnknown =
          status === 405 || status === 409 || (status !== undefined && status >= 500);
        const merged = outcomeUnknown
          ? await mergedAt(ctx, pr, sha).catch(() => undefined)
          : undefined;
        if (merged !== undefined) return merged;
        if (status === 409) return { merged: false, reason: 'head-moved', message };
        if (status === 405) return { merged: false, reason: 'not-mergeable', message };
        throw error;
      }),
  );
}

/**
 * GitHub answers 405 for a PR that is already merged (or 409, when the rule wants heads up to
 * date), and so for the client's retry of a merge whose first answer was lost (a 5xx after the
 * merge went through); when every retry fails too, the outcome is unknown. A PR merged at exactly
 * `sha` is that merge, done (ADR 0008).
 */
async function mergedAt(
  ctx: GitHubContext,
  pr: number,
  sha: string,
): Promise<MergeResult | undefined> {
  const { data } = await ctx.octokit.rest.pulls.get({ ...ctx.repo, pull_number: pr });
  if (!data.merged || data.head.sha !== sha || data.merge_commit_sha === null) return undefined;
  return { merged: true, sha: data.merge_commit_sha };
}

const UPDATE_BRANCH = `
  mutation updateBranch(
    $pullRequestId: ID!
    $expectedHeadOid: GitObjectID!
    $updateMethod: PullRequestBranchUpdateMethod!
  ) {
    updatePullRequestBranch(
      input: {
        pullRequestId: $pullRequestId
        expectedHeadOid: $expectedHeadOid
        updateMethod: $updateMethod
      }
    ) {
      pullRequest { headRefOid }
    }
  }
`;

interface UpdateBranchData {
  readonly updatePullRequestBranch: { readonly pullRequest: { readonly headRefOid: string } };
}

/**
 * Brings `pr` up to date with its base on GitHub's side, by rebase or by merging the base in. The
 * server may write workflow files a job token may not push (github-mechanics §4). A refusal is a
 * result; only transport failures throw.
 */
export function updateOnServer(
  ctx: GitHubContext,
  pr: number,
  expectedHeadSha: string,
  method: ServerUpdateMethod,
): Promise<ServerUpdateResult> {
  return callGitHub('updateOnServer', async () => {
    // The node id is all this read is for: the mutation itself checks the head atomically.
    const { data: pull } = await ctx.octokit.rest.pulls.get({ ...ctx.repo, pull_number: pr });
    try {
      const data = await ctx.octokit.graphql<UpdateBranchData>(UPDATE_BRANCH, {
        pullRequestId: pull.node_id,
        expectedHeadOid: expectedHeadSha,
        updateMethod: method === 'rebase' ? 'REBASE' : 'MERGE',
      });
      return { updated: true, headSha: data.updatePullRequestBranch.pullRequest.headRefOid };
    } catch (error) {
      const errors = graphqlErrorsOf(error);
      if (errors === undefined) throw error;
      return refusal(errors.map((entry) => entry.message).join('; '));
    }
  });
}

/**
 * GraphQL refuses with words only. The patterns follow the wording the twin models on GitHub's
 * (unverified against github.com); anything unrecognised is `refused`, which parks, never loops.
 */
function refusal(message: string): ServerUpdateResult {
  if (/expected head|head (sha|oid)/i.test(message)) {
    return { updated: false, reason: 'head-moved', message };
  }
  if (/conflict/i.test(message)) return { updated: false, reason: 'conflict', message };
  return { updated: false, reason: 'refused', message };
}

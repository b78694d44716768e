/** Pull request reviews: the verdicts of the plan and code reviewers, tied to a commit. */
import { UNKNOWN_COMMIT, type ReviewRecord, type ReviewVerdict } from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub } from './errors.ts';

/** A review's state as GitHub names it, as the line reads it; a pending review is none yet. */
export const VERDICT_OF: Partial<Record<string, ReviewRecord['verdict']>> = {
  APPROVED: 'APPROVE',
  CHANGES_REQUESTED: 'REQUEST_CHANGES',
  COMMENTED: 'COMMENT',
  DISMISSED: 'DISMISSED',
};

/**
 * Submitted and dismissed reviews of `pr`, oldest first. Pending reviews are left out (not a
 * verdict yet).
 */
export async function listReviews(ctx: GitHubContext, pr: number): Promise<ReviewRecord[]> {
  return (await listIdentifiedReviews(ctx, pr)).map(({ review }) => review);
}

/** A review and its GraphQL node id, which a timeline item names it by. */
export interface IdentifiedReview {
  readonly id: string;
  readonly review: ReviewRecord;
}

/** `listReviews`, each review with its node id. */
export function listIdentifiedReviews(ctx: GitHubContext, pr: number): Promise<IdentifiedReview[]> {
  return callGitHub('listReviews', async () => {
    const reviews = await ctx.octokit.paginate(ctx.octokit.rest.pulls.listReviews, {
      ...ctx.repo,
      pull_number: pr,
      per_page: 100,
    });
    return reviews.flatMap((review) => {
      const verdict = VERDICT_OF[review.state];
      if (verdict === undefined) return [];
      return [
        {
          id: review.node_id,
          review: {
            verdict,
            sha: review.commit_id ?? UNKNOWN_COMMIT,
            author: review.user?.login ?? '',
            body: review.body,
            at: review.submitted_at ?? '',
          },
        },
      ];
    });
  });
}

/** Submits a verdict on exactly `sha`, so it cannot be read as approving a later head. */
export async function postReview(
  ctx: GitHubContext,
  pr: number,
  sha: string,
  verdict: ReviewVerdict,
  body: string,
): Promise<void> {
  await callGitHub('postReview', () =>
    ctx.octokit.rest.pulls.createReview({
      ...ctx.repo,
      pull_number: pr,
      commit_id: sha,
      event: verdict,
      body,
    }),
  );
}

/** Comments on a PR, and the one status comment the factory keeps updated in place. */
import { isStatusComment, STATUS_MARKER } from '../../core/notes.ts';
import type { StatusComment } from '../../core/ports.ts';
import { parseLedger, spentOn, type Day } from '../../core/status.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub, statusOf } from './errors.ts';

/** Adds a comment, e.g. a re-run note the attempt counter reads back (ADR 0002). */
export async function comment(ctx: GitHubContext, pr: number, body: string): Promise<void> {
  await callGitHub('comment', () =>
    ctx.octokit.rest.issues.createComment({ ...ctx.repo, issue_number: pr, body }),
  );
}

/**
 * The factory's status comment on `pr`, if it has one. Only a comment the factory wrote counts: a
 * person pasting the marker cannot take the status comment over.
 */
export function readStatusComment(
  ctx: GitHubContext,
  pr: number,
): Promise<StatusComment | undefined> {
  return callGitHub('readStatusComment', async () => {
    const comments = await ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
      ...ctx.repo,
      issue_number: pr,
      per_page: 100,
    });
    const found = comments.find(
      (candidate) =>
        ctx.isFactoryActor(candidate.user?.login ?? '') && isStatusComment(candidate.body ?? ''),
    );
    return found === undefined
      ? undefined
      : { id: found.id, nodeId: found.node_id, body: found.body ?? '' };
  });
}

/**
 * What the line spent on `day` (UTC), across every pull request, open or not. Recording spend
 * rewrites a PR's status comment, so the status comments updated since the day began hold all of
 * it: one listing of the repository's comments, newest first, a page per hundred. Only the
 * factory's own status comments count; a person's copy of one is ignored.
 */
export function readDaySpend(ctx: GitHubContext, day: Day): Promise<number> {
  return callGitHub('readDaySpend', async () => {
    const comments = await ctx.octokit.paginate(ctx.octokit.rest.issues.listCommentsForRepo, {
      ...ctx.repo,
      since: `${day}T00:00:00Z`,
      sort: 'updated',
      direction: 'desc',
      per_page: 100,
    });
    return comments
      .filter(
        (candidate) =>
          ctx.isFactoryActor(candidate.user?.login ?? '') && isStatusComment(candidate.body ?? ''),
      )
      .reduce((sum, status) => sum + spentOn(parseLedger(status.body), day), 0);
  });
}

/**
 * Updates the status comment in place, or creates it when there is none yet (or a person deleted
 * it). The marker is added when `body` lacks it, so the comment is always found again.
 */
export async function writeStatusComment(
  ctx: GitHubContext,
  pr: number,
  body: string,
  existing: StatusComment | undefined,
): Promise<void> {
  const marked = isStatusComment(body) ? body : `${STATUS_MARKER}\n${body}`;
  await callGitHub('writeStatusComment', async () => {
    if (existing !== undefined) {
      const updated = await ctx.octokit.rest.issues
        .updateComment({ ...ctx.repo, comment_id: existing.id, body: marked })
        .then(() => true)
        .catch((error: unknown) => {
          if (statusOf(error) === 404) return false;
          throw error;
        });
      if (updated) return;
    }
    await ctx.octokit.rest.issues.createComment({ ...ctx.repo, issue_number: pr, body: marked });
  });
}

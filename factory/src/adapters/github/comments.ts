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
 * A runner's clock may run a little ahead of GitHub's: spend it recorded on a day can sit in a
 * comment GitHub dates a moment before that day began.
 */
const CLOCK_MARGIN_MS = 60 * 60_000;

/**
 * What each PR's status comment records as spent on `day` (UTC). Recording spend rewrites the
 * status comment, so those updated since the day began hold all of it: one listing of the
 * repository's comments, a page per hundred. Only the factory's own status comment on a pull
 * request counts, the first of a PR's if there are two; a person's copy counts for nothing.
 */
export function readDaySpend(ctx: GitHubContext, day: Day): Promise<Map<number, number>> {
  return callGitHub('readDaySpend', async () => {
    const since = new Date(Date.parse(`${day}T00:00:00Z`) - CLOCK_MARGIN_MS).toISOString();
    const comments = await ctx.octokit.paginate(ctx.octokit.rest.issues.listCommentsForRepo, {
      ...ctx.repo,
      since,
      sort: 'updated',
      direction: 'desc',
      per_page: 100,
    });
    const firstByPr = new Map<number, { readonly id: number; readonly body: string }>();
    for (const candidate of comments) {
      const pr = pullNumberOf(candidate.html_url);
      const body = candidate.body ?? '';
      if (pr === undefined || !ctx.isFactoryActor(candidate.user?.login ?? '')) continue;
      if (!isStatusComment(body)) continue;
      const kept = firstByPr.get(pr);
      if (kept === undefined || candidate.id < kept.id)
        firstByPr.set(pr, { id: candidate.id, body });
    }
    return new Map(
      [...firstByPr].map(([pr, status]) => [pr, spentOn(parseLedger(status.body), day)]),
    );
  });
}

/** The pull request a comment is on, from its page's address; `undefined` for an issue's. */
function pullNumberOf(htmlUrl: string): number | undefined {
  const match = /\/pull\/(\d+)#issuecomment-/.exec(htmlUrl);
  return match?.[1] === undefined ? undefined : Number(match[1]);
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

/** Pull requests as the line re-reads them before acting. */
import type { RestEndpointMethodTypes } from '@octokit/rest';
import type { PullRequestSnapshot } from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub, whenStatus } from './errors.ts';
import { noteLabels } from './node-ids.ts';

type FullPull = RestEndpointMethodTypes['pulls']['get']['response']['data'];
type ListedPull = RestEndpointMethodTypes['pulls']['list']['response']['data'][number];

/** The pull request `pr`, or `undefined` when there is none (GitHub answers 404). */
export function readPullRequest(
  ctx: GitHubContext,
  pr: number,
): Promise<PullRequestSnapshot | undefined> {
  return callGitHub('readPullRequest', () =>
    ctx.octokit.rest.pulls
      .get({ ...ctx.repo, pull_number: pr })
      .then(({ data }) => noted(ctx, data))
      .catch(whenStatus(404, undefined)),
  );
}

/** Every open pull request, oldest first, all pages. */
export function listOpenPullRequests(ctx: GitHubContext): Promise<PullRequestSnapshot[]> {
  return callGitHub('listOpenPullRequests', async () => {
    const pulls = await ctx.octokit.paginate(ctx.octokit.rest.pulls.list, {
      ...ctx.repo,
      state: 'open',
      sort: 'created',
      direction: 'asc',
      per_page: 100,
    });
    return pulls.map((pull) => noted(ctx, pull));
  });
}

/** The snapshot of `pull`, its node ids and its labels' noted for this job's GraphQL writes. */
function noted(ctx: GitHubContext, pull: FullPull | ListedPull): PullRequestSnapshot {
  ctx.nodeIds.pullRequests.set(pull.number, pull.node_id);
  noteLabels(
    ctx.nodeIds,
    pull.labels.map((label) => ({ name: label.name, id: label.node_id })),
  );
  return toSnapshot(pull);
}

/** A pull request as the port's plain snapshot; lists omit `merged`, so it comes from `merged_at`. */
export function toSnapshot(pull: FullPull | ListedPull): PullRequestSnapshot {
  return {
    number: pull.number,
    title: pull.title,
    body: pull.body ?? '',
    open: pull.state === 'open',
    merged: 'merged' in pull ? pull.merged : pull.merged_at !== null,
    draft: pull.draft ?? false,
    headSha: pull.head.sha,
    headRef: pull.head.ref,
    baseRef: pull.base.ref,
    author: pull.user?.login ?? '',
    isFork: isFork(pull),
    labels: pull.labels.map((label) => label.name),
  };
}

/**
 * The head lives in another repository. GitHub sends `head.repo: null` when a fork was deleted,
 * though the published types say it cannot be: such a head is never ours to trust either.
 */
function isFork(pull: FullPull | ListedPull): boolean {
  const head = pull.head.repo as { readonly id: number } | null;
  return head?.id !== pull.base.repo.id;
}

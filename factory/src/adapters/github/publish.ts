/**
 * Putting a spec on a branch and opening its pull request through the API, with no clone: the
 * way `factory queue` works from any checkout, or none.
 */
import type { GitHubContext } from './context.ts';
import { callGitHub, whenStatus } from './errors.ts';

/** The commit a branch points at, or `undefined` when there is no such branch. */
export function readBranchSha(ctx: GitHubContext, branch: string): Promise<string | undefined> {
  return callGitHub('readBranchSha', () =>
    ctx.octokit.rest.git
      .getRef({ ...ctx.repo, ref: `heads/${branch}` })
      .then(({ data }) => data.object.sha)
      .catch(whenStatus(404, undefined)),
  );
}

/** Paths of the entries directly inside `dir` at `ref`; empty when the folder does not exist. */
export function listDirectory(ctx: GitHubContext, dir: string, ref: string): Promise<string[]> {
  return callGitHub('listDirectory', async () => {
    const found = await ctx.octokit.rest.repos
      .getContent({ ...ctx.repo, path: dir, ref })
      .catch(whenStatus(404, undefined));
    const data = found?.data;
    return Array.isArray(data) ? data.map((entry) => entry.path) : [];
  });
}

export async function createBranch(ctx: GitHubContext, branch: string, sha: string): Promise<void> {
  await callGitHub('createBranch', () =>
    ctx.octokit.rest.git.createRef({ ...ctx.repo, ref: `refs/heads/${branch}`, sha }),
  );
}

/** Adds a new file on `branch` in one commit made by the token's identity. */
export async function addFile(
  ctx: GitHubContext,
  input: {
    readonly branch: string;
    readonly path: string;
    readonly text: string;
    readonly message: string;
  },
): Promise<void> {
  await callGitHub('addFile', () =>
    ctx.octokit.rest.repos.createOrUpdateFileContents({
      ...ctx.repo,
      path: input.path,
      branch: input.branch,
      message: input.message,
      content: Buffer.from(input.text, 'utf8').toString('base64'),
    }),
  );
}

/** Opens a pull request from `head` into `base`; returns its number. */
export function openPullRequest(
  ctx: GitHubContext,
  input: {
    readonly title: string;
    readonly head: string;
    readonly base: string;
    readonly body: string;
  },
): Promise<number> {
  return callGitHub('openPullRequest', async () => {
    const { data } = await ctx.octokit.rest.pulls.create({ ...ctx.repo, ...input });
    return data.number;
  });
}

/** Adds labels to an issue or pull request, keeping the ones it has. */
export async function addLabels(
  ctx: GitHubContext,
  pr: number,
  labels: readonly string[],
): Promise<void> {
  await callGitHub('addLabels', () =>
    ctx.octokit.rest.issues.addLabels({ ...ctx.repo, issue_number: pr, labels: [...labels] }),
  );
}

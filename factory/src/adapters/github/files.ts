/** A PR's changed files (for the guardrails' diff checks) and a file's content at a ref. */
import type { ChangedFile } from '../../core/guardrails.ts';
import type { FileAtRef } from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub, GitHubError, whenStatus } from './errors.ts';

/**
 * Every file `pr` changes, with the lines it adds, all pages. GitHub lists a moved file once, under
 * its new name; the path it left counts as changed too, as a file the PR removes: moving a
 * protected file away changes it.
 */
export function listChangedFiles(ctx: GitHubContext, pr: number): Promise<ChangedFile[]> {
  return callGitHub('listChangedFiles', async () => {
    const files = await ctx.octokit.paginate(ctx.octokit.rest.pulls.listFiles, {
      ...ctx.repo,
      pull_number: pr,
      per_page: 100,
    });
    return files.flatMap((file) => {
      const changed = {
        path: file.filename,
        additions: file.additions,
        deletions: file.deletions,
        addedLines: addedLinesOf(file.patch ?? ''),
        ...(file.status === 'removed' || file.sha === null ? {} : { blobSha: file.sha }),
      };
      const left = file.status === 'renamed' ? file.previous_filename : undefined;
      return left === undefined
        ? [changed]
        : [changed, { path: left, additions: 0, deletions: 0, addedLines: [] }];
    });
  });
}

/**
 * The lines a unified-diff patch adds, without their `+`. Only lines inside a hunk count: a `+++`
 * file header comes before the first `@@`, while an added line whose text starts with `++` is
 * `+++…` inside one, and dropping it would hide it from the secret scan. Binary files and very
 * large diffs come without a patch, so they add no lines to scan here.
 */
export function addedLinesOf(patch: string): string[] {
  const added: string[] = [];
  let inHunk = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('@@')) inHunk = true;
    else if (line.startsWith('diff --git ')) inHunk = false;
    else if (inHunk && line.startsWith('+')) added.push(line.slice(1));
  }
  return added;
}

/** The text and blob SHA of `path` at `ref`, or `undefined` when it does not exist there. */
export function readFile(
  ctx: GitHubContext,
  path: string,
  ref: string,
): Promise<FileAtRef | undefined> {
  return callGitHub('readFile', async () => {
    const found = await ctx.octokit.rest.repos
      .getContent({ ...ctx.repo, path, ref })
      .catch(whenStatus(404, undefined));
    const data = found?.data;
    // A directory answers with a list, a symlink or submodule with another type: none is a file.
    if (data === undefined || Array.isArray(data) || data.type !== 'file') return undefined;
    if (!('content' in data) || data.encoding !== 'base64') {
      // Files over 1 MB come without content from this endpoint.
      throw new GitHubError('readFile', undefined, `${path} is too large to read at ${ref}`);
    }
    return { text: Buffer.from(data.content, 'base64').toString('utf8'), blobSha: data.sha };
  });
}

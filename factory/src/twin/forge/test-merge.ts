/**
 * GitHub's test merge. For a pull request it keeps `refs/pull/N/merge`: the head merged into the
 * base's tip. A `pull_request` run checks that commit out (`GITHUB_REF`, `GITHUB_SHA`) and takes
 * its workflow files from it, so a PR is linted and tested as it would land, beside everything
 * main gained since the branch was cut. When the two conflict there is no merge ref, and GitHub
 * starts no `pull_request` run at all (github-mechanics.md, "Extras").
 */
import type { ForgeContext } from './context.ts';
import { commitMemo } from './memo.ts';
import { baseTip } from './pull-model.ts';
import type { PullIssue } from './render/pulls.ts';

export type TestMerge =
  | { readonly kind: 'merged'; readonly ref: string; readonly sha: string }
  | { readonly kind: 'conflict' };

/**
 * Brings an open PR's `refs/pull/N/merge` up to date with its head and its base's tip, and says
 * what it points at. One merge commit per head and base: an event about the same pair names the
 * same one.
 */
export async function refreshTestMerge(ctx: ForgeContext, issue: PullIssue): Promise<TestMerge> {
  const ref = `refs/pull/${String(issue.number)}/merge`;
  // GitHub stops updating a closed PR's test merge: its events name the last one.
  if (issue.state === 'closed') {
    const last = await ctx.repo.resolve(ref);
    return last === undefined ? { kind: 'conflict' } : { kind: 'merged', ref, sha: last };
  }
  const base = await baseTip(ctx, issue);
  const sha = await mergeCommitOf(ctx, base, issue.pull.headSha);
  if (sha === undefined) {
    if ((await ctx.repo.resolve(ref)) !== undefined) await ctx.repo.deleteRef(ref);
    return { kind: 'conflict' };
  }
  await ctx.repo.updateRef(ref, sha);
  return { kind: 'merged', ref, sha };
}

/** The merge commit of each `base..head` pair, per forge; `undefined` for a pair that conflicts. */
const mergeCommits = commitMemo<string | undefined>();

function mergeCommitOf(ctx: ForgeContext, base: string, head: string): Promise<string | undefined> {
  return mergeCommits(ctx, `${base}..${head}`, () =>
    ctx.repo.mergeCommit(base, head, `Merge ${head} into ${base}`),
  );
}

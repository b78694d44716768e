/** Pull requests as GitHub serves them, with the facts only git can tell (mergeability, stats). */
import { commentCount, labelsOf, type ForgeContext } from './context.ts';
import { renderPull, renderPullSimple, type PullIssue } from './render/pulls.ts';

/** The tip of the pull request's base branch; a deleted base is a bug in the caller's setup. */
export async function baseTip(ctx: ForgeContext, issue: PullIssue): Promise<string> {
  const sha = await ctx.repo.resolve(`refs/heads/${issue.pull.baseRef}`);
  if (sha === undefined) throw new Error(`base branch ${issue.pull.baseRef} is missing`);
  return sha;
}

/** A full `pull-request` object, mergeability computed with `git merge-tree` like GitHub's. */
export async function readFullPull(
  ctx: ForgeContext,
  issue: PullIssue,
): Promise<Record<string, unknown>> {
  const baseSha = await baseTip(ctx, issue);
  const head = issue.pull.headSha;
  const [mergeable, commits, stats] = await Promise.all([
    issue.pull.merged ? Promise.resolve(null) : isMergeable(ctx, baseSha, head),
    ctx.repo.countCommits(baseSha, head),
    ctx.repo.diffStats(baseSha, head),
  ]);
  return renderPull(ctx.render, issue, labelsOf(ctx, issue), {
    baseSha,
    mergeable,
    commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changedFiles: stats.files,
    comments: commentCount(ctx, issue.number),
    reviewComments: 0,
  });
}

export async function readSimplePull(
  ctx: ForgeContext,
  issue: PullIssue,
): Promise<Record<string, unknown>> {
  return renderPullSimple(ctx.render, issue, labelsOf(ctx, issue), await baseTip(ctx, issue));
}

/** Whether the head merges cleanly into the base (a dry run; nothing is written). */
export async function isMergeable(
  ctx: ForgeContext,
  baseSha: string,
  headSha: string,
): Promise<boolean> {
  const tree = await ctx.repo.mergeTree(baseSha, headSha);
  return tree !== undefined;
}

/** Pull requests as GitHub serves them, with the facts only git can tell (mergeability, stats). */
import { commentCount, labelsOf, type ForgeContext } from './context.ts';
import { commitMemo } from './memo.ts';
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
  const { mergeable, commits, stats } = await gitFacts(ctx, baseSha, issue.pull.headSha);
  return renderPull(ctx.render, issue, labelsOf(ctx, issue), {
    baseSha,
    mergeable: issue.pull.merged ? null : mergeable,
    commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changedFiles: stats.files,
    comments: commentCount(ctx, issue.number),
    reviewComments: 0,
  });
}

interface GitFacts {
  readonly mergeable: boolean;
  readonly commits: number;
  readonly stats: Awaited<ReturnType<ForgeContext['repo']['diffStats']>>;
}

/**
 * What git says of a head against a base, asked once per pair and forge: a PR read again and again
 * (every stage re-reads) costs no git after the first.
 */
const gitFactsMemo = commitMemo<GitFacts>();

function gitFacts(ctx: ForgeContext, baseSha: string, headSha: string): Promise<GitFacts> {
  return gitFactsMemo(ctx, `${baseSha}..${headSha}`, async () => {
    const [mergeable, commits, stats] = await Promise.all([
      isMergeable(ctx, baseSha, headSha),
      ctx.repo.countCommits(baseSha, headSha),
      ctx.repo.diffStats(baseSha, headSha),
    ]);
    return { mergeable, commits, stats };
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

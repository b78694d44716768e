/**
 * What happens after branch tips move (a push, a ref update, a merge or a server-side rebase):
 * GitHub emits `push`, moves the head of every open pull request on that branch and emits
 * `pull_request` `synchronize` for each, all attributed to whoever moved the tip.
 */
import type { ForgeContext } from './context.ts';
import { isPull } from './context.ts';
import { emitPullRequest, emitPush, type Cause, type RefUpdate } from './emit.ts';
import type { CommitInfo } from './repository.ts';

const ZERO_SHA = '0000000000000000000000000000000000000000';

/** Compares two ref snapshots and describes the branch and tag tips that moved. */
export async function describeUpdates(
  ctx: ForgeContext,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Promise<RefUpdate[]> {
  const names = new Set([...before.keys(), ...after.keys()]);
  const updates: RefUpdate[] = [];
  for (const ref of [...names].sort()) {
    if (!ref.startsWith('refs/heads/') && !ref.startsWith('refs/tags/')) continue;
    const old = before.get(ref) ?? ZERO_SHA;
    const now = after.get(ref) ?? ZERO_SHA;
    if (old !== now) updates.push(await describeUpdate(ctx, ref, old, now));
  }
  return updates;
}

export async function describeUpdate(
  ctx: ForgeContext,
  ref: string,
  before: string,
  after: string,
): Promise<RefUpdate> {
  const forced =
    before !== ZERO_SHA && after !== ZERO_SHA && !(await ctx.repo.isAncestor(before, after));
  // GitHub lists up to 20 new commits; for a new branch or a forced update, the tip stands in.
  const shas =
    after === ZERO_SHA
      ? []
      : before === ZERO_SHA || forced
        ? [after]
        : await ctx.repo.listCommits(`${before}..${after}`, 20);
  const commits: CommitInfo[] = [];
  for (const sha of shas) {
    const commit = await ctx.repo.readCommit(sha);
    if (commit !== undefined) commits.push(commit);
  }
  return { ref, before, after, forced, commits };
}

/** Emits `push` and re-points open pull requests for every update, in order. */
export async function applyUpdates(
  ctx: ForgeContext,
  updates: readonly RefUpdate[],
  cause: Cause,
): Promise<void> {
  for (const update of updates) {
    emitPush(ctx, update, cause);
    if (update.after === ZERO_SHA || !update.ref.startsWith('refs/heads/')) continue;
    const branch = update.ref.slice('refs/heads/'.length);
    for (const issue of ctx.store.issues.values()) {
      // A fork's branch of the same name is another branch: a push here never moves its PR.
      if (!isPull(issue) || issue.state !== 'open' || issue.pull.headOwner !== undefined) continue;
      if (issue.pull.headRef !== branch) continue;
      const before = issue.pull.headSha;
      if (before === update.after) continue;
      issue.pull.headSha = update.after;
      issue.updatedAt = ctx.now();
      await ctx.repo.updateRef(`refs/pull/${issue.number}/head`, update.after);
      await emitPullRequest(ctx, issue, 'synchronize', cause, { before, after: update.after });
    }
  }
}

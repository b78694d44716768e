/**
 * `updatePullRequestBranch`: GitHub's server-side update of a pull request branch (REBASE or
 * MERGE), which needs no git on the caller's side and, unlike a push with the default token, may
 * carry main's workflow changes into the branch.
 */
import { baseTip } from '../pull-model.ts';
import { isPull } from '../context.ts';
import { causeOf } from '../emit.ts';
import { pullNodeId, type PullIssue } from '../render/pulls.ts';
import { rulesetsOn } from '../routes/rulesets.ts';
import { applyUpdates, describeUpdate } from '../sync.ts';
import { GraphqlRefusal } from './errors.ts';
import { require, type GraphqlContext } from './context.ts';

export interface UpdateBranchInput {
  readonly pullRequestId: string;
  readonly expectedHeadOid?: string | null;
  readonly updateMethod?: 'MERGE' | 'REBASE' | null;
}

export async function updatePullRequestBranch(ctx: GraphqlContext, input: UpdateBranchInput) {
  require(ctx, { access: 'write', scopes: ['contents'] });
  const { forge } = ctx;
  const pull = [...forge.store.issues.values()].find(
    (issue): issue is PullIssue =>
      isPull(issue) && pullNodeId(issue.number) === input.pullRequestId,
  );
  if (pull === undefined) {
    throw new GraphqlRefusal({
      type: 'NOT_FOUND',
      message: `Could not resolve to a node with the global id of '${input.pullRequestId}'`,
    });
  }
  if (pull.state !== 'open')
    throw new GraphqlRefusal({ type: 'UNPROCESSABLE', message: 'Pull request is closed.' });
  // The branch is in someone's fork; the twin's forks never allow edits from maintainers.
  if (pull.pull.headOwner !== undefined) {
    throw new GraphqlRefusal({
      type: 'FORBIDDEN',
      message: `${pull.pull.headOwner}:${pull.pull.headRef} is a fork's branch that maintainers may not edit.`,
    });
  }
  const head = pull.pull.headSha;
  if (input.expectedHeadOid != null && input.expectedHeadOid !== head) {
    throw new GraphqlRefusal({
      type: 'UNPROCESSABLE',
      message: "expected head sha didn't match current head ref.",
    });
  }
  const method = input.updateMethod ?? 'MERGE';
  refuseBrokenRule(ctx, pull.pull.headRef, method);
  const updated = await rewrite(ctx, pull, await baseTip(forge, pull), method);
  if (updated === undefined) {
    throw new GraphqlRefusal({
      type: 'UNPROCESSABLE',
      message: 'Could not update the pull request branch: merge conflict.',
    });
  }
  const ref = `refs/heads/${pull.pull.headRef}`;
  if (updated !== head) {
    await forge.repo.updateRef(ref, updated, head);
    await applyUpdates(
      forge,
      [await describeUpdate(forge, ref, head, updated)],
      causeOf(ctx.grant),
    );
  }
  return {
    clientMutationId: null,
    pullRequest: {
      id: pullNodeId(pull.number),
      number: pull.number,
      headRefName: pull.pull.headRef,
      headRefOid: updated,
    },
  };
}

async function rewrite(
  ctx: GraphqlContext,
  pull: PullIssue,
  base: string,
  method: 'MERGE' | 'REBASE',
): Promise<string | undefined> {
  const { repo } = ctx.forge;
  const head = pull.pull.headSha;
  if (await repo.isAncestor(base, head)) return head;
  if (method === 'REBASE') return repo.rebase(base, head);
  return repo.mergeCommit(
    head,
    base,
    `Merge branch '${pull.pull.baseRef}' into ${pull.pull.headRef}`,
  );
}

/**
 * The branch's push rules bind GitHub's own update too, as the twin models it (not confirmed
 * against github.com): a rebase is a force push, which `non_fast_forward` forbids, and `update`
 * forbids any update.
 */
function refuseBrokenRule(ctx: GraphqlContext, branch: string, method: 'MERGE' | 'REBASE'): void {
  const rules = rulesetsOn(ctx.settings, `refs/heads/${branch}`).flatMap((record) => record.rules);
  const broken = rules.includes('update')
    ? 'Cannot update this protected ref.'
    : method === 'REBASE' && rules.includes('non_fast_forward')
      ? 'Cannot force-push to this branch'
      : undefined;
  if (broken !== undefined)
    throw new GraphqlRefusal({
      type: 'UNPROCESSABLE',
      message: `Repository rule violations found: ${broken}`,
    });
}

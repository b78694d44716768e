/**
 * `PUT /pulls/{n}/merge`, squash only, checked in this order: already merged or closed (405), a
 * moved head with a `sha` (409), a method the repository does not allow (405), the base branch's
 * protection (a head behind a base that wants heads up to date: 409; the rest: 405), conflicts
 * (405). The squash commit is made with real git and `main` advances.
 */
import * as z from 'zod';
import type { TokenGrant } from '../../contract.ts';
import { findPull, numberParam, type ForgeContext, type Route } from '../context.ts';
import { causeOf, emitPullRequest } from '../emit.ts';
import { HttpError, parseBody } from '../http.ts';
import { baseTip } from '../pull-model.ts';
import type { PullIssue } from '../render/pulls.ts';
import { applyUpdates, describeUpdate } from '../sync.ts';
import { assertProtectionMet } from './protection-at-merge.ts';
import type { ProtectionRecord, RepoSettings } from './repo-settings.ts';

const DOCS = 'pulls/pulls#merge-a-pull-request';

const MergeBody = z.object({
  commit_title: z.string().optional(),
  commit_message: z.string().optional(),
  sha: z.string().optional(),
  merge_method: z.enum(['merge', 'squash', 'rebase']).optional(),
});

export const HEAD_MODIFIED = 'Head branch was modified. Review and try the merge again.';

export function mergeRoutes(ctx: ForgeContext, settings: RepoSettings): Route[] {
  return [
    {
      method: 'PUT',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
      docs: DOCS,
      need: { access: 'write', scopes: ['contents'] },
      handle: async (request) => {
        const pull = findPull(ctx, numberParam(request, 'pull_number', DOCS), DOCS);
        const input = parseBody(MergeBody, request.body, DOCS);
        const rule = settings.protection.get(pull.pull.baseRef);
        const sha = await squashMerge(ctx, pull, input, request.grant, rule, settings);
        return {
          status: 200,
          body: { sha, merged: true, message: 'Pull Request successfully merged' },
        };
      },
    },
  ];
}

async function squashMerge(
  ctx: ForgeContext,
  pull: PullIssue,
  input: z.infer<typeof MergeBody>,
  grant: TokenGrant,
  rule: ProtectionRecord | undefined,
  settings: RepoSettings,
): Promise<string> {
  if (pull.pull.merged || pull.state === 'closed')
    throw new HttpError(405, 'Pull Request is not mergeable', { docs: DOCS });
  if (input.sha !== undefined && input.sha !== pull.pull.headSha)
    throw new HttpError(409, HEAD_MODIFIED, { docs: DOCS });
  if ((input.merge_method ?? 'merge') !== 'squash') {
    throw new HttpError(405, 'Merge commits are not allowed on this repository.', { docs: DOCS });
  }
  if (!settings.allowSquashMerge)
    throw new HttpError(405, 'Squash merges are not allowed on this repository.', { docs: DOCS });
  const base = await baseTip(ctx, pull);
  const behind =
    rule?.requiredStatusChecks?.strict === true &&
    !(await ctx.repo.isAncestor(base, pull.pull.headSha));
  assertProtectionMet(ctx, rule, pull, grant, behind);
  const title = input.commit_title ?? `${pull.title} (#${pull.number})`;
  const body = input.commit_message ?? (await squashedMessages(ctx, base, pull.pull.headSha));
  const author = { name: pull.user.login, email: `${pull.user.login}@users.noreply.github.com` };
  const sha = await ctx.repo.squash(
    base,
    pull.pull.headSha,
    body === '' ? title : `${title}\n\n${body}`,
    author,
  );
  if (sha === undefined) throw new HttpError(405, 'Pull Request is not mergeable', { docs: DOCS });
  const ref = `refs/heads/${pull.pull.baseRef}`;
  await ctx.repo.updateRef(ref, sha, base);
  const now = ctx.now();
  Object.assign(pull.pull, {
    merged: true,
    mergedAt: now,
    mergedBy: grant.actor,
    mergeCommitSha: sha,
  });
  Object.assign(pull, { state: 'closed', closedAt: now, updatedAt: now });
  for (const event of ['merged', 'closed'] as const) {
    ctx.store.issueEvents.push({
      id: ctx.store.nextId(),
      issueNumber: pull.number,
      event,
      actor: grant.actor,
      tokenKind: grant.kind,
      createdAt: now,
      commitId: sha,
    });
  }
  await applyUpdates(ctx, [await describeUpdate(ctx, ref, base, sha)], causeOf(grant));
  await emitPullRequest(ctx, pull, 'closed', causeOf(grant));
  return sha;
}

/** GitHub's default squash body: one bullet per commit subject. */
async function squashedMessages(ctx: ForgeContext, base: string, head: string): Promise<string> {
  const shas = await ctx.repo.listCommits(`${base}..${head}`, 250);
  const commits = await Promise.all(shas.map((sha) => ctx.repo.readCommit(sha)));
  return commits
    .flatMap((commit) => (commit === undefined ? [] : [`* ${commit.message}`]))
    .join('\n\n');
}

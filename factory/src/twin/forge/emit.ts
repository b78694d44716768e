/**
 * Builds webhook-shaped events (the shapes of `@octokit/webhooks-types`) and hands them to the
 * event bus with the actor and token kind that caused them, so the runner can apply GitHub's
 * trigger rules.
 */
import type { Actor, ForgeEvent, TokenGrant, TokenKind } from '../contract.ts';
import type { ForgeContext } from './context.ts';
import { readFullPull } from './pull-model.ts';
import { renderRepo, renderUser, repoHtmlUrl } from './render/base.ts';
import type { PullIssue } from './render/pulls.ts';
import type { CommitInfo } from './repository.ts';
import { DEFAULT_BRANCH } from './seed.ts';
import { refreshTestMerge } from './test-merge.ts';

export interface Cause {
  readonly actor: Actor;
  readonly kind: TokenKind;
}

export function causeOf(grant: TokenGrant): Cause {
  return { actor: grant.actor, kind: grant.kind };
}

function envelope(ctx: ForgeContext, cause: Cause): Record<string, unknown> {
  return { repository: renderRepo(ctx.render, 0), sender: renderUser(ctx.render, cause.actor) };
}

function deliver(
  ctx: ForgeContext,
  event: Omit<ForgeEvent, 'actor' | 'tokenKind'>,
  cause: Cause,
): void {
  ctx.events.emit({ ...event, actor: cause.actor, tokenKind: cause.kind });
}

/** `pull_request` with `action` (`opened`, `labeled`, `synchronize`, `closed`, …). */
export async function emitPullRequest(
  ctx: ForgeContext,
  issue: PullIssue,
  action: string,
  cause: Cause,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  const payload = {
    action,
    number: issue.number,
    pull_request: await readFullPull(ctx, issue),
    ...extra,
    ...envelope(ctx, cause),
  };
  deliver(ctx, { name: 'pull_request', action, payload, ...(await runsOn(ctx, issue)) }, cause);
}

export async function emitReview(
  ctx: ForgeContext,
  issue: PullIssue,
  review: Record<string, unknown>,
  cause: Cause,
  action: 'submitted' | 'dismissed' = 'submitted',
): Promise<void> {
  const payload = {
    action,
    review,
    pull_request: await readFullPull(ctx, issue),
    ...envelope(ctx, cause),
  };
  const where = await runsOn(ctx, issue);
  deliver(ctx, { name: 'pull_request_review', action, payload, ...where }, cause);
}

export interface RefUpdate {
  readonly ref: string;
  readonly before: string;
  readonly after: string;
  readonly forced: boolean;
  /** New commits, oldest first. */
  readonly commits: readonly CommitInfo[];
}

const ZERO_SHA = '0000000000000000000000000000000000000000';

export function emitPush(ctx: ForgeContext, update: RefUpdate, cause: Cause): void {
  const commitUrl = (sha: string) => `${repoHtmlUrl(ctx.render)}/commit/${sha}`;
  const commits = update.commits.map((commit) => ({
    id: commit.sha,
    tree_id: commit.tree,
    distinct: true,
    message: commit.message,
    timestamp: commit.committer.date,
    url: commitUrl(commit.sha),
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
    added: [],
    removed: [],
    modified: [],
  }));
  const payload = {
    ref: update.ref,
    before: update.before,
    after: update.after,
    created: update.before === ZERO_SHA,
    deleted: update.after === ZERO_SHA,
    forced: update.forced,
    base_ref: null,
    compare: `${repoHtmlUrl(ctx.render)}/compare/${update.before.slice(0, 12)}...${update.after.slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    pusher: { name: cause.actor.login, email: null },
    ...envelope(ctx, cause),
  };
  deliver(ctx, { name: 'push', payload, ref: update.ref, sha: update.after }, cause);
}

export function emitDispatch(
  ctx: ForgeContext,
  workflowPath: string,
  ref: string,
  sha: string,
  inputs: Readonly<Record<string, unknown>>,
  cause: Cause,
): void {
  const payload = { inputs, ref, workflow: workflowPath, ...envelope(ctx, cause) };
  deliver(ctx, { name: 'workflow_dispatch', payload, ref, sha }, cause);
}

/**
 * `schedule` runs on the default branch's latest commit. GitHub names as its actor the person who
 * last edited the cron; the repository owner stands in for them.
 */
export function emitSchedule(ctx: ForgeContext, cron: string, sha: string): void {
  const cause: Cause = { actor: ctx.render.owner, kind: 'user' };
  const payload = { schedule: cron, ...envelope(ctx, cause) };
  deliver(ctx, { name: 'schedule', payload, ref: `refs/heads/${DEFAULT_BRANCH}`, sha }, cause);
}

/**
 * Where a run for an event about the PR checks out: GitHub's test merge, `refs/pull/N/merge`.
 * When the PR conflicts with its base there is none; the event names the head (its branch, or
 * `refs/pull/N/head` for a fork's) and says so, and the runner starts no `pull_request` run.
 */
async function runsOn(
  ctx: ForgeContext,
  issue: PullIssue,
): Promise<Pick<ForgeEvent, 'ref' | 'sha' | 'mergeConflict'>> {
  const merge = await refreshTestMerge(ctx, issue);
  if (merge.kind === 'merged') return { ref: merge.ref, sha: merge.sha };
  const ref =
    issue.pull.headOwner === undefined
      ? `refs/heads/${issue.pull.headRef}`
      : `refs/pull/${String(issue.number)}/head`;
  return { ref, sha: issue.pull.headSha, mergeConflict: true };
}

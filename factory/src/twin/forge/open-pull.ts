/**
 * Opening a pull request: from a branch of this repository (the REST route) or from a person's
 * fork. The twin hosts one repository, so a fork is modelled by what this repository holds of it,
 * as on GitHub: the PR's record naming the fork's owner, and its commits under `refs/pull/N/head`.
 */
import type { Actor } from '../contract.ts';
import type { ForgeContext } from './context.ts';
import { emitPullRequest, type Cause } from './emit.ts';
import type { PullIssue } from './render/pulls.ts';
import { DEFAULT_BRANCH } from './seed.ts';
import type { PullPart } from './store.ts';

export interface NewPull {
  readonly title: string;
  readonly body: string | null;
  readonly headRef: string;
  readonly headSha: string;
  readonly headOwner?: string;
  readonly baseRef: string;
  readonly draft: boolean;
}

/** Records a pull request, points `refs/pull/N/head` at its head, and emits `opened`. */
export async function openPullRecord(
  ctx: ForgeContext,
  fields: NewPull,
  author: Actor,
  cause: Cause,
): Promise<PullIssue> {
  const now = ctx.now();
  const number = ctx.store.nextIssueNumber();
  const { title, body, ...branch } = fields;
  const pull: PullPart = {
    ...branch,
    merged: false,
    mergedAt: null,
    mergedBy: null,
    mergeCommitSha: null,
  };
  const issue: PullIssue = {
    id: ctx.store.nextId(),
    number,
    title,
    body,
    user: author,
    state: 'open',
    labels: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    pull,
  };
  ctx.store.issues.set(number, issue);
  await ctx.repo.updateRef(`refs/pull/${number}/head`, fields.headSha);
  await emitPullRequest(ctx, issue, 'opened', cause);
  return issue;
}

export interface ForkPullInput {
  readonly title: string;
  readonly body?: string;
  /** The branch's name in the fork. */
  readonly branch: string;
  /** Path → content, committed on the tip of the default branch. */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * `login` forks the repository, commits `files` to a branch of the fork and opens a pull request
 * from it. Anyone may: no permission on this repository is needed, and none is given.
 */
export async function openForkPull(
  ctx: ForgeContext,
  login: string,
  input: ForkPullInput,
): Promise<PullIssue> {
  const base = await ctx.repo.resolve(`refs/heads/${DEFAULT_BRANCH}`);
  if (base === undefined) throw new Error(`the forge has no ${DEFAULT_BRANCH} to fork from`);
  const headSha = await ctx.repo.commitFiles(base, input.files, input.title, identityOf(login));
  const author: Actor = { login, type: 'User' };
  return openPullRecord(
    ctx,
    {
      title: input.title,
      body: input.body ?? null,
      headRef: input.branch,
      headSha,
      headOwner: login,
      baseRef: DEFAULT_BRANCH,
      draft: false,
    },
    author,
    { actor: author, kind: 'user' },
  );
}

/**
 * The fork's owner pushes `files` onto the PR's branch in their fork: GitHub moves
 * `refs/pull/N/head` and emits `synchronize`, with nothing pushed to this repository's branches.
 */
export async function pushToForkPull(
  ctx: ForgeContext,
  issue: PullIssue,
  files: Readonly<Record<string, string>>,
): Promise<string> {
  const owner = issue.pull.headOwner;
  if (owner === undefined) throw new Error(`pull request ${String(issue.number)} is not a fork's`);
  if (issue.state !== 'open') throw new Error(`pull request ${String(issue.number)} is closed`);
  const before = issue.pull.headSha;
  const message = `Update ${issue.pull.headRef}`;
  const after = await ctx.repo.commitFiles(before, files, message, identityOf(owner));
  issue.pull.headSha = after;
  issue.updatedAt = ctx.now();
  await ctx.repo.updateRef(`refs/pull/${String(issue.number)}/head`, after);
  const author: Actor = { login: owner, type: 'User' };
  await emitPullRequest(
    ctx,
    issue,
    'synchronize',
    { actor: author, kind: 'user' },
    { before, after },
  );
  return after;
}

/** The git identity GitHub gives a person's web commits. */
function identityOf(login: string): { readonly name: string; readonly email: string } {
  return { name: login, email: `${login}@users.noreply.github.com` };
}

/**
 * The git adapter: the real git CLI behind a handful of verbs the line's stages use on checkouts
 * of PR branches (design §3). The agent job turns its work tree into a patch; the apply job
 * applies, commits and pushes it; the merge stage brings the PR branch up to date with main and
 * pushes it with a lease. Outcomes a stage must act on are typed results; anything else throws `GitError`.
 *
 * ```ts
 * const git = await clone({ url, dir, ref: headSha, authHeader: tokenAuthHeader(token) });
 * const applied = await git.applyPatch(patch); // check `applied.paths` against protected paths
 * const commit = await git.commitAll({ message, author });
 * const pushed = await git.push({ remote: 'origin', branch: headRef, expectedSha: headSha });
 * ```
 */
import type { ChangedFile } from '../../core/guardrails.ts';
import { applyPatch, inspectPatch, type ApplyResult, type PatchInspection } from './apply.ts';
import { createGitRunner, type RunnerOptions } from './exec.ts';
import {
  changesUnder,
  commitAll,
  filesWithLeftoverMarkers,
  hasMergesSince,
  mergeBase,
  mergeIn,
  patchIdOf,
  rebaseOnto,
  type CommitResult,
  type GitIdentity,
  type MergeInResult,
  type RebaseResult,
} from './history.ts';
import { diffAgainst, dirtyPaths, type WorkTreeDiff } from './patch.ts';
import {
  checkoutDetached,
  cloneRepository,
  fetchRef,
  pushWithLease,
  type CloneInput,
  type FetchOptions,
  type PushInput,
  type PushResult,
} from './remote.ts';

export type { ApplyResult, PatchInspection, PatchProblem, PatchRefusal } from './apply.ts';
export { isAuthHeader, scrubSecrets, tokenAuthHeader } from './credentials.ts';
export { GitError } from './errors.ts';
export type { CommitResult, GitIdentity, MergeInResult, RebaseResult } from './history.ts';
export type { WorkTreeDiff } from './patch.ts';
export type { CloneInput, FetchOptions, PushInput, PushRejection, PushResult } from './remote.ts';
export type { ChangedFile };

/** What commits made through the default token look like on GitHub. */
export const ACTIONS_BOT_IDENTITY: GitIdentity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

export interface GitOptions extends RunnerOptions {
  /** Credentials for fetch and push unless a call brings its own. */
  readonly authHeader?: string;
  /** Committer of every commit the adapter makes, rebased ones included. */
  readonly committer?: GitIdentity;
  /** Clock for commit dates; inject a fixed one for reproducible SHAs. */
  readonly now?: () => Date;
}

/** One checkout, driven through the git CLI. */
export interface Git {
  readonly dir: string;
  headSha(): Promise<string>;
  /** Checks out a commit (detached); returns its SHA. */
  checkout(ref: string): Promise<string>;
  /** Fetches a branch, tag or SHA from `origin`; returns the commit it names. */
  fetch(ref: string, options?: FetchOptions): Promise<string>;
  /** Paths whose work-tree state differs from `HEAD`, untracked ones included. */
  dirtyPaths(): Promise<string[]>;
  diffAgainst(baseSha: string): Promise<WorkTreeDiff>;
  inspectPatch(patch: string | Uint8Array): Promise<PatchInspection>;
  applyPatch(patch: string | Uint8Array): Promise<ApplyResult>;
  commitAll(input: {
    readonly message: string;
    readonly author: GitIdentity;
  }): Promise<CommitResult>;
  rebaseOnto(input: { readonly upstream: string }): Promise<RebaseResult>;
  mergeIn(input: {
    readonly upstream: string;
    readonly message: string;
    readonly keepConflicts: boolean;
  }): Promise<MergeInResult>;
  /** True when `base..HEAD` holds a merge commit. */
  hasMergesSince(base: string): Promise<boolean>;
  /** The files in which `base..HEAD` adds a conflict marker. */
  filesWithLeftoverMarkers(base: string): Promise<string[]>;
  changesUnder(prefix: string, fromSha: string, toSha: string): Promise<string[]>;
  mergeBase(a: string, b: string): Promise<string>;
  /** The stable patch id of the change `base..head` ('' for no change). */
  patchId(base: string, head: string): Promise<string>;
  push(input: PushInput): Promise<PushResult>;
}

/** Drives the existing checkout at `options.dir`. */
export function createGit(options: GitOptions): Git {
  const git = createGitRunner(options);
  const context = {
    committer: options.committer ?? ACTIONS_BOT_IDENTITY,
    now: options.now ?? (() => new Date()),
  };
  const withAuth = <T extends { readonly authHeader?: string }>(input: T): T =>
    input.authHeader === undefined && options.authHeader !== undefined
      ? { ...input, authHeader: options.authHeader }
      : input;
  return {
    dir: options.dir,
    headSha: () => git.output(['rev-parse', 'HEAD']),
    checkout: (ref) => checkoutDetached(git, ref),
    fetch: (ref, fetchOptions = {}) => fetchRef(git, ref, withAuth(fetchOptions)),
    dirtyPaths: () => dirtyPaths(git),
    diffAgainst: (baseSha) => diffAgainst(git, baseSha),
    inspectPatch: (patch) => inspectPatch(git, patch),
    applyPatch: (patch) => applyPatch(git, patch),
    commitAll: (input) => commitAll(git, context, input),
    rebaseOnto: (input) => rebaseOnto(git, context, input),
    mergeIn: (input) => mergeIn(git, context, input),
    hasMergesSince: (base) => hasMergesSince(git, base),
    filesWithLeftoverMarkers: (base) => filesWithLeftoverMarkers(git, base),
    changesUnder: (prefix, fromSha, toSha) => changesUnder(git, prefix, fromSha, toSha),
    mergeBase: (a, b) => mergeBase(git, a, b),
    patchId: (base, head) => patchIdOf(git, base, head),
    push: (input) => pushWithLease(git, withAuth(input)),
  };
}

/**
 * Clones `url` into `dir` and returns the checkout. The auth header authenticates this clone and
 * the checkout's later fetches and pushes; it is kept in memory, never on disk.
 */
export async function clone(input: CloneInput & Omit<GitOptions, 'dir'>): Promise<Git> {
  const options: GitOptions = { ...input };
  await cloneRepository(createGitRunner(options), input);
  return createGit(options);
}

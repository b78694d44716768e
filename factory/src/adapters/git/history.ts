/**
 * Making and moving commits: the apply job commits a patch, the merge stage rebases the PR branch
 * onto main. Commit dates can be injected so tests get the same SHAs on every run.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GitError } from './errors.ts';
import type { GitRunner } from './exec.ts';

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

export type CommitResult =
  { readonly kind: 'committed'; readonly sha: string } | { readonly kind: 'nothing-to-commit' };

export type RebaseResult =
  | { readonly kind: 'rebased'; readonly headSha: string }
  /** `upstream` is already in the branch's history: there is nothing to replay. */
  | { readonly kind: 'up-to-date'; readonly headSha: string }
  /** The rebase was aborted; the checkout is back on the old head with a clean work tree. */
  | { readonly kind: 'conflict'; readonly files: readonly string[]; readonly message: string };

/** Who commits, and when: the clock is read for every commit the adapter makes. */
export interface CommitterContext {
  readonly committer: GitIdentity;
  readonly now: () => Date;
}

/** Stages everything and commits it; a clean work tree is `nothing-to-commit`, not an error. */
export async function commitAll(
  git: GitRunner,
  context: CommitterContext,
  input: { readonly message: string; readonly author: GitIdentity },
): Promise<CommitResult> {
  await git.output(['add', '--all']);
  const staged = await git.run(['diff', '--cached', '--quiet', '--exit-code']);
  if (staged.code === 0) return { kind: 'nothing-to-commit' };
  if (staged.code !== 1) throw new GitError('diff', staged.code, staged.stderr);
  // The message goes through standard input so that no text of it can be read as an option.
  await git.output(['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '--file=-'], {
    input: input.message,
    env: commitEnvironment(context, input.author),
  });
  return { kind: 'committed', sha: await git.output(['rev-parse', 'HEAD']) };
}

/**
 * Replays the checked-out commits onto `upstream`. A conflict is a result, never a throw: the
 * rebase is aborted first, so the caller always finds the checkout as it was.
 */
export async function rebaseOnto(
  git: GitRunner,
  context: CommitterContext,
  input: { readonly upstream: string },
): Promise<RebaseResult> {
  const oldHead = await git.output(['rev-parse', 'HEAD']);
  const upstream = await git.output([
    'rev-parse',
    '--verify',
    '--end-of-options',
    `${input.upstream}^{commit}`,
  ]);
  const contained = await git.run(['merge-base', '--is-ancestor', upstream, oldHead]);
  if (contained.code === 0) return { kind: 'up-to-date', headSha: oldHead };
  // 1 means "not an ancestor"; anything else (e.g. a shallow clone without the history) is an error.
  if (contained.code !== 1) throw new GitError('merge-base', contained.code, contained.stderr);
  const rebased = await git.run(['rebase', '--no-autostash', '--empty=drop', upstream], {
    env: commitEnvironment(context, undefined),
  });
  if (rebased.code === 0)
    return { kind: 'rebased', headSha: await git.output(['rev-parse', 'HEAD']) };
  if (!(await isRebaseInProgress(git))) {
    // Refused before it started (e.g. local changes): the checkout is untouched, the caller erred.
    throw new GitError('rebase', rebased.code, rebased.stderr);
  }
  const files = await conflictedFiles(git);
  await git.output(['rebase', '--abort']);
  const message = [rebased.stdout.toString('utf8'), rebased.stderr].join('\n').trim();
  return { kind: 'conflict', files, message: git.scrub(message) };
}

/**
 * The paths under `prefix` (e.g. `.github/workflows/`) that differ between two commits. Pushing
 * `toSha` over `fromSha` with a token that lacks the `workflows` permission is refused when this
 * is not empty, since GitHub compares the old and the new tip (github-mechanics §4).
 */
export async function changesUnder(
  git: GitRunner,
  prefix: string,
  fromSha: string,
  toSha: string,
): Promise<string[]> {
  const listed = await git.bytes([
    'diff',
    '--name-only',
    '-z',
    '--no-renames',
    fromSha,
    toSha,
    '--',
    prefix,
  ]);
  return listed
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '');
}

/** The commit from which a branch and `upstream` diverged: what a rebase would carry starts here. */
export async function mergeBase(git: GitRunner, a: string, b: string): Promise<string> {
  return git.output(['merge-base', a, b]);
}

/**
 * The stable patch id of the change from `base` to `head`: equal ids mean the same change, line
 * for line, whatever it was rebased onto (`git patch-id --stable`). The merge uses it to carry an
 * approval over a rebase that did not alter the change (ADR 0004).
 */
export async function patchIdOf(git: GitRunner, base: string, head: string): Promise<string> {
  const diff = await git.bytes([
    'diff',
    '--no-renames',
    '--no-ext-diff',
    '--no-color',
    base,
    head,
    '--',
  ]);
  if (diff.length === 0) return '';
  const id = await git.output(['patch-id', '--stable'], { input: diff });
  return id.split(' ')[0] ?? '';
}

async function isRebaseInProgress(git: GitRunner): Promise<boolean> {
  const states = await git.output([
    'rev-parse',
    '--git-path',
    'rebase-merge',
    '--git-path',
    'rebase-apply',
  ]);
  return states.split('\n').some((path) => existsSync(resolve(git.dir, path)));
}

async function conflictedFiles(git: GitRunner): Promise<string[]> {
  const listed = await git.bytes(['diff', '--name-only', '-z', '--diff-filter=U']);
  return listed
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '');
}

function commitEnvironment(
  { committer, now }: CommitterContext,
  author: GitIdentity | undefined,
): Record<string, string> {
  const date = `${String(Math.floor(now().getTime() / 1000))} +0000`;
  return {
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: date,
    ...(author === undefined
      ? {}
      : { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: date }),
  };
}

/**
 * Making and moving commits: the apply job commits a patch, the merge stage brings the PR branch
 * up to date with main (a rebase, or a merge of main). Commit dates can be injected so tests get
 * the same SHAs on every run.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

export type MergeInResult =
  /** `upstream` is already in the branch's history: there is nothing to merge. */
  | { readonly kind: 'up-to-date'; readonly headSha: string }
  /** A merge commit of the branch and `upstream` is checked out. */
  | { readonly kind: 'merged'; readonly headSha: string }
  /**
   * The merge conflicted. With `keepConflicts`, the merge was committed anyway with each
   * conflicting hunk left between conflict markers, and that commit is checked out (`headSha`);
   * without, or when a conflict could not be marked, it was aborted and the checkout is as it was
   * (`headSha` undefined).
   */
  | {
      readonly kind: 'conflict';
      readonly headSha: string | undefined;
      readonly files: readonly string[];
      /**
       * Conflicted files git left without markers: binary files, or a file deleted on one side.
       * Committing them would silently keep one side, so such a merge is never committed.
       */
      readonly unmarked: readonly string[];
      readonly message: string;
    };

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
  const upstream = await commitOf(git, input.upstream);
  if (await isAncestor(git, upstream, oldHead)) return { kind: 'up-to-date', headSha: oldHead };
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
 * Merges `upstream` into the checked-out branch with a merge commit (never a fast-forward: the
 * branch's own commits stay first-parent). A conflict is a result: aborted, or with
 * `keepConflicts` committed with its markers for someone to resolve on top.
 */
export async function mergeIn(
  git: GitRunner,
  context: CommitterContext,
  input: { readonly upstream: string; readonly message: string; readonly keepConflicts: boolean },
): Promise<MergeInResult> {
  const head = await git.output(['rev-parse', 'HEAD']);
  const upstream = await commitOf(git, input.upstream);
  if (await isAncestor(git, upstream, head)) return { kind: 'up-to-date', headSha: head };
  // The merge is the line's own commit: it is authored by the committer.
  const env = commitEnvironment(context, context.committer);
  const merged = await git.run(['merge', '--no-ff', '--no-commit', '--no-edit', upstream], { env });
  const files = await conflictedFiles(git);
  if (merged.code !== 0 && files.length === 0)
    throw new GitError('merge', merged.code, merged.stderr);
  const message = git.scrub([merged.stdout.toString('utf8'), merged.stderr].join('\n').trim());
  const unmarked = await filesWithoutMarkers(git, files);
  if (files.length > 0 && (!input.keepConflicts || unmarked.length > 0)) {
    await git.output(['merge', '--abort']);
    return { kind: 'conflict', headSha: undefined, files, unmarked, message };
  }
  // The conflicted files are committed as they stand in the work tree: markers and all.
  await git.output(['add', '--all']);
  await git.output(['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '--file=-'], {
    input: input.message,
    env,
  });
  const sha = await git.output(['rev-parse', 'HEAD']);
  return files.length > 0
    ? { kind: 'conflict', headSha: sha, files, unmarked, message }
    : { kind: 'merged', headSha: sha };
}

/** The conflicted files whose work-tree copy is missing or carries no conflict marker. */
async function filesWithoutMarkers(git: GitRunner, files: readonly string[]): Promise<string[]> {
  const unmarked: string[] = [];
  for (const path of files) {
    const text = await readFile(resolve(git.dir, path), 'utf8').catch(() => '');
    if (!CONFLICT_MARKER.test(text)) unmarked.push(path);
  }
  return unmarked;
}

const CONFLICT_MARKER = /^<{7,}( |$)/m;

/**
 * The files in which `base..HEAD` adds a conflict marker (`git diff --check`, which also honours a
 * `conflict-marker-size` attribute): a conflict someone left unresolved.
 */
export async function filesWithLeftoverMarkers(git: GitRunner, base: string): Promise<string[]> {
  const checked = await git.run(['diff', '--check', '--no-color', base, 'HEAD', '--']);
  const report = checked.stdout.toString('utf8');
  if (checked.code !== 0 && report === '') throw new GitError('diff', checked.code, checked.stderr);
  const marked = report
    .split('\n')
    .flatMap((line) => /^(.+):\d+: leftover conflict marker$/.exec(line)?.[1] ?? []);
  return [...new Set(marked)];
}

/** True when the branch holds a merge commit `base` does not: someone merged into it. */
export async function hasMergesSince(git: GitRunner, base: string): Promise<boolean> {
  const count = await git.output(['rev-list', '--merges', '--count', `${base}..HEAD`]);
  return count !== '0';
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

function commitOf(git: GitRunner, ref: string): Promise<string> {
  return git.output(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
}

async function isAncestor(git: GitRunner, ancestor: string, head: string): Promise<boolean> {
  const contained = await git.run(['merge-base', '--is-ancestor', ancestor, head]);
  // 1 means "not an ancestor"; anything else (e.g. a shallow clone without the history) is an error.
  if (contained.code !== 0 && contained.code !== 1)
    throw new GitError('merge-base', contained.code, contained.stderr);
  return contained.code === 0;
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

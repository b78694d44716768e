/**
 * The forge's bare repository and the few git operations GitHub performs server-side:
 * seeding, squash merges, rebases, and reading commits and files.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORGE_COMMITTER, git, runGit, type GitIdentity } from './git.ts';

export interface CommitInfo {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: { readonly name: string; readonly email: string; readonly date: string };
  readonly committer: { readonly name: string; readonly email: string; readonly date: string };
  readonly message: string;
}

export interface FileChange {
  readonly path: string;
  /** `A`dded, `D`eleted, `M`odified, … as `git diff --raw` prints it. */
  readonly status: string;
  /** The path before a move (`R`), as GitHub's `previous_filename`. */
  readonly previousPath?: string;
  /** Blob SHA after the change (all zeros for a deleted file). */
  readonly sha: string;
  readonly additions: number;
  readonly deletions: number;
  /** The unified-diff hunks, as GitHub's `patch` field carries them; absent for binary files. */
  readonly patch?: string;
}

export interface TreeEntry {
  readonly name: string;
  readonly type: 'blob' | 'tree' | 'commit';
  readonly sha: string;
  readonly size: number;
}

export interface Repository {
  readonly gitDir: string;
  resolve(ref: string): Promise<string | undefined>;
  listRefs(): Promise<Map<string, string>>;
  updateRef(ref: string, sha: string, expectedOld?: string): Promise<void>;
  deleteRef(ref: string): Promise<void>;
  readCommit(sha: string): Promise<CommitInfo | undefined>;
  readBlob(ref: string, path: string): Promise<{ sha: string; content: Buffer } | undefined>;
  changedFiles(from: string, to: string, pathspec?: string): Promise<string[]>;
  /** The entries of directory `dir` at `ref` (`''` is the root); `undefined` when it is no directory. */
  readTree(ref: string, dir: string): Promise<TreeEntry[] | undefined>;
  /** Paths of the files directly inside `dir` at `ref`. */
  listFiles(ref: string, dir: string): Promise<string[]>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  countCommits(base: string, head: string): Promise<number>;
  /** Commit SHAs of a revision range, oldest first, at most the newest `max`. */
  listCommits(range: string, max: number): Promise<string[]>;
  diffStats(
    base: string,
    head: string,
  ): Promise<{ additions: number; deletions: number; files: number }>;
  /** Files a pull request changes (`base...head`), with per-file line counts. */
  diffFiles(base: string, head: string): Promise<FileChange[]>;
  /** A commit on `parent` that writes (or, for `null`, deletes) `files`, made without a worktree. */
  commitFiles(
    parent: string,
    files: Readonly<Record<string, string | null>>,
    message: string,
    author: GitIdentity,
  ): Promise<string>;
  /** The tree of merging `head` into `base`; `undefined` when they conflict. */
  mergeTree(base: string, head: string): Promise<string | undefined>;
  /** Squash-merges `head` onto `base`'s tip; `undefined` when the two conflict. */
  squash(
    base: string,
    head: string,
    message: string,
    author: GitIdentity,
  ): Promise<string | undefined>;
  /** A merge commit of `theirs` into `ours`; `undefined` on conflict. */
  mergeCommit(ours: string, theirs: string, message: string): Promise<string | undefined>;
  /** Replays `base..head` onto `onto` like GitHub's REBASE update; `undefined` on conflict. */
  rebase(onto: string, head: string): Promise<string | undefined>;
}

/** Opens the bare repository at `gitDir`. */
export function openRepository(gitDir: string): Repository {
  const run = (args: readonly string[]) => git(args, { gitDir });
  return {
    gitDir,
    async resolve(ref) {
      // A leading dash would read as an option to git; no ref or SHA starts with one.
      if (ref.startsWith('-') || ref.includes('..')) return undefined;
      const result = await runGit(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { gitDir });
      return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
    },
    async listRefs() {
      const out = await run(['for-each-ref', '--format=%(objectname) %(refname)']);
      const refs = new Map<string, string>();
      for (const line of out.split('\n').filter(Boolean)) {
        const [sha = '', name = ''] = line.split(' ');
        refs.set(name, sha);
      }
      return refs;
    },
    async updateRef(ref, sha, expectedOld) {
      await run(['update-ref', ref, sha, ...(expectedOld === undefined ? [] : [expectedOld])]);
    },
    async deleteRef(ref) {
      await run(['update-ref', '-d', ref]);
    },
    readCommit: (sha) => readCommit(gitDir, sha),
    async readBlob(ref, path) {
      if (ref.startsWith('-')) return undefined;
      const result = await runGit(['rev-parse', '--verify', '-q', `${ref}:${path}`], { gitDir });
      if (result.code !== 0) return undefined;
      const sha = result.stdout.toString('utf8').trim();
      if ((await run(['cat-file', '-t', sha])) !== 'blob') return undefined;
      const blob = await runGit(['cat-file', 'blob', sha], { gitDir });
      return { sha, content: blob.stdout };
    },
    async changedFiles(from, to, pathspec) {
      const args = ['diff', '--name-only', '--no-renames', from, to];
      const out = await run(pathspec === undefined ? args : [...args, '--', pathspec]);
      return out.split('\n').filter(Boolean);
    },
    async readTree(ref, dir) {
      if (ref.startsWith('-')) return undefined;
      const result = await runGit(['ls-tree', '--long', `${ref}:${dir}`], { gitDir });
      if (result.code !== 0) return undefined;
      return result.stdout
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [meta = '', name = ''] = line.split('\t');
          const [, type = 'blob', sha = '', size = '0'] = meta.split(/\s+/);
          return { name, type: type as TreeEntry['type'], sha, size: Number(size) || 0 };
        });
    },
    async listFiles(ref, dir) {
      if (ref.startsWith('-')) return [];
      const result = await runGit(['ls-tree', '--name-only', `${ref}:${dir}`], { gitDir });
      if (result.code !== 0) return [];
      return result.stdout
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((name) => `${dir}/${name}`);
    },
    async isAncestor(ancestor, descendant) {
      const result = await runGit(['merge-base', '--is-ancestor', ancestor, descendant], {
        gitDir,
      });
      return result.code === 0;
    },
    async countCommits(base, head) {
      return Number(await run(['rev-list', '--count', `${base}..${head}`]));
    },
    async listCommits(range, max) {
      const out = await run(['rev-list', `--max-count=${String(max)}`, range]);
      return out.split('\n').filter(Boolean).reverse();
    },
    async diffStats(base, head) {
      const out = await run(['diff', '--numstat', `${base}...${head}`]);
      const rows = out
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t'));
      const sum = (i: number) => rows.reduce((total, row) => total + (Number(row[i]) || 0), 0);
      return { additions: sum(0), deletions: sum(1), files: rows.length };
    },
    async diffFiles(base, head) {
      // As GitHub lists them: a file moved, edited or not, is one entry naming both paths.
      const range = `${base}...${head}`;
      const [raw, numstat, patch] = await Promise.all([
        run(['diff', '--raw', '-z', '--no-abbrev', '-M', range]),
        run(['diff', '--numstat', '-z', '-M', range]),
        run(['diff', '--no-color', '-M', '--no-ext-diff', range]),
      ]);
      const patches = splitPatch(patch);
      const counts = numstatByPath(numstat);
      return rawEntries(raw).map((entry) => {
        const hunks = patches.get(entry.path);
        const change = {
          ...entry,
          ...(counts.get(entry.path) ?? { additions: 0, deletions: 0 }),
        };
        return hunks === undefined ? change : { ...change, patch: hunks };
      });
    },
    commitFiles: (parent, files, message, author) =>
      commitFiles(gitDir, parent, files, message, author),
    mergeTree: (base, head) => mergeTree(gitDir, base, head),
    async squash(base, head, message, author) {
      const tree = await mergeTree(gitDir, base, head);
      if (tree === undefined) return undefined;
      return git(['commit-tree', tree, '-p', base, '-F', '-'], {
        gitDir,
        input: message,
        env: { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email },
      });
    },
    async mergeCommit(ours, theirs, message) {
      const tree = await mergeTree(gitDir, ours, theirs);
      if (tree === undefined) return undefined;
      return git(['commit-tree', tree, '-p', ours, '-p', theirs, '-F', '-'], {
        gitDir,
        input: message,
      });
    },
    rebase: (onto, head) => rebaseInWorktree(gitDir, onto, head),
  };
}

async function commitFiles(
  gitDir: string,
  parent: string,
  files: Readonly<Record<string, string | null>>,
  message: string,
  author: GitIdentity,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'forge-commit-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    await git(['read-tree', parent], { gitDir, env });
    const written = Object.entries(files).filter(
      (entry): entry is [string, string] => entry[1] !== null,
    );
    const paths = await Promise.all(
      written.map(async ([, content], index) => {
        const path = join(scratch, `blob-${String(index)}`);
        await writeFile(path, content);
        return path;
      }),
    );
    const shas =
      written.length === 0
        ? []
        : (
            await git(['hash-object', '-w', '--stdin-paths'], { gitDir, input: paths.join('\n') })
          ).split('\n');
    const index = [
      ...written.map(([path], i) => `100644 ${shas[i] ?? ''}\t${path}`),
      ...Object.entries(files)
        .filter(([, content]) => content === null)
        .map(([path]) => `0 ${'0'.repeat(40)}\t${path}`),
    ];
    await git(['update-index', '--index-info'], { gitDir, env, input: `${index.join('\n')}\n` });
    const tree = await git(['write-tree'], { gitDir, env });
    return await git(['commit-tree', tree, '-p', parent, '-F', '-'], {
      gitDir,
      input: message,
      identity: author,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function mergeTree(gitDir: string, base: string, head: string): Promise<string | undefined> {
  const merged = await runGit(['merge-tree', '--write-tree', '--no-messages', base, head], {
    gitDir,
  });
  // A conflict still writes its tree: exit 1 with the tree's id first. Any other failure (a missing
  // object, a broken repository) is a fault of the twin, never a fact about the pull request to
  // remember as "not mergeable".
  const tree = merged.stdout.toString('utf8').split('\n')[0] ?? '';
  const wroteTree = /^[0-9a-f]{40}$/.test(tree);
  if (merged.code === 1 && wroteTree) return undefined;
  if (merged.code !== 0 || !wroteTree)
    throw new Error(`git merge-tree failed (${String(merged.code)}): ${merged.stderr.trim()}`);
  return tree;
}

async function readCommit(gitDir: string, sha: string): Promise<CommitInfo | undefined> {
  const format = ['%H', '%T', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x00');
  const result = await runGit(['show', '-s', `--format=${format}`, `${sha}^{commit}`], { gitDir });
  if (result.code !== 0) return undefined;
  const [
    hash = '',
    tree = '',
    parents = '',
    an = '',
    ae = '',
    ad = '',
    cn = '',
    ce = '',
    cd = '',
    ...rest
  ] = result.stdout.toString('utf8').split('\x00');
  return {
    sha: hash,
    tree,
    parents: parents.split(' ').filter(Boolean),
    author: { name: an, email: ae, date: toUtc(ad) },
    committer: { name: cn, email: ce, date: toUtc(cd) },
    message: rest.join('\x00').replace(/\n+$/, ''),
  };
}

function toUtc(isoWithOffset: string): string {
  return new Date(isoWithOffset).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** git 2.39 has no `merge-tree --merge-base`, so the replay happens in a throwaway worktree. */
async function rebaseInWorktree(
  gitDir: string,
  onto: string,
  head: string,
): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'forge-rebase-'));
  const tree = join(dir, 'tree');
  try {
    await git(['worktree', 'add', '--detach', tree, head], { gitDir, identity: FORGE_COMMITTER });
    const rebased = await runGit(['rebase', '--no-autosquash', onto], { cwd: tree });
    if (rebased.code !== 0) {
      await runGit(['rebase', '--abort'], { cwd: tree });
      return undefined;
    }
    return await git(['rev-parse', 'HEAD'], { cwd: tree });
  } finally {
    await runGit(['worktree', 'remove', '--force', tree], { gitDir });
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads NUL-separated fields one after another. */
function fieldReader(text: string): { readonly more: () => boolean; readonly next: () => string } {
  const fields = text.split('\0');
  let at = 0;
  return { more: () => at < fields.length - 1, next: () => fields[at++] ?? '' };
}

/**
 * `git diff --raw -z -M` entries: `:modes shas status NUL path NUL`, where a rename (`R087`) names
 * the old path, then the new one.
 */
function rawEntries(raw: string): Omit<FileChange, 'additions' | 'deletions'>[] {
  const fields = fieldReader(raw);
  const entries: Omit<FileChange, 'additions' | 'deletions'>[] = [];
  while (fields.more()) {
    const [, , , sha = '', score = 'M'] = fields.next().split(' ');
    const status = score.charAt(0);
    if (status === 'R') {
      const previousPath = fields.next();
      entries.push({ path: fields.next(), status, sha, previousPath });
    } else entries.push({ path: fields.next(), status, sha });
  }
  return entries;
}

/**
 * `git diff --numstat -z -M` by the path after the change: `added TAB deleted TAB path NUL`, or for a
 * rename `added TAB deleted TAB NUL old NUL new NUL`. A binary file counts `-`, which is 0 here.
 */
function numstatByPath(numstat: string): Map<string, { additions: number; deletions: number }> {
  const fields = fieldReader(numstat);
  const counts = new Map<string, { additions: number; deletions: number }>();
  while (fields.more()) {
    // With -z git leaves paths unquoted, so a path may hold tabs of its own.
    const [add = '0', del = '0', ...rest] = fields.next().split('\t');
    const path = rest.join('\t');
    if (path === '') fields.next(); // a rename: skip the old path, keep the new one
    counts.set(path === '' ? fields.next() : path, {
      additions: Number(add) || 0,
      deletions: Number(del) || 0,
    });
  }
  return counts;
}

/**
 * Splits a whole-range diff into each file's hunks (from its first `@@` on), keyed by path, the
 * way GitHub's files API gives each file a `patch`. Binary files have no hunks and no entry.
 */
function splitPatch(diff: string): Map<string, string> {
  const patches = new Map<string, string>();
  for (const section of diff.split(/^diff --git /m).slice(1)) {
    const path = /^\+\+\+ b\/(.+)$/m.exec(section)?.[1] ?? /^--- a\/(.+)$/m.exec(section)?.[1];
    const hunkStart = section.search(/^@@/m);
    if (path === undefined || hunkStart < 0) continue;
    patches.set(path, section.slice(hunkStart).replace(/\n$/, ''));
  }
  return patches;
}

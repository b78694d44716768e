/**
 * Turning an agent's work tree into a patch. The agent job runs read-only, so what it changed
 * leaves as a patch plus the facts the guardrails judge (R-08, diff size, secrets); the apply job,
 * which may write, applies it elsewhere.
 */
import type { ChangedFile } from '../../core/guardrails.ts';
import { GitError } from './errors.ts';
import type { GitRunner } from './exec.ts';

export interface WorkTreeDiff {
  /**
   * A patch for `git apply`, binary files included. Raw bytes: a text file in another encoding
   * than UTF-8 would not survive a round trip through a string.
   */
  readonly patch: Buffer;
  readonly files: readonly ChangedFile[];
}

/**
 * Options every diff of the line is made with. Renames are off so that a rename shows as a
 * deletion plus an addition and both paths reach the protected-path check: moving a protected
 * file away must be seen as changing it.
 */
const DIFF_OPTIONS = [
  '--no-renames',
  '--no-ext-diff',
  '--no-color',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/**
 * Everything in the work tree that `.gitignore` does not exclude (new, deleted, renamed and binary
 * files), compared with `baseSha`. It stages the work tree to do so, which is harmless in the
 * agent's own checkout.
 */
export async function diffAgainst(git: GitRunner, baseSha: string): Promise<WorkTreeDiff> {
  await git.output(['add', '--all']);
  const [patch, numstat] = await Promise.all([
    git.bytes(['diff', '--cached', '--binary', ...DIFF_OPTIONS, baseSha, '--']),
    git.bytes(['diff', '--cached', '--numstat', '-z', ...DIFF_OPTIONS, baseSha, '--']),
  ]);
  const counts = parseNumstat(numstat.toString('utf8'));
  const added = addedLinesPerFile(patch.toString('utf8'));
  if (added.length !== counts.length) {
    throw new GitError('diff', 0, '', 'the patch and its file list disagree');
  }
  const files = counts.map((count, index) => ({ ...count, addedLines: added[index] ?? [] }));
  return { patch, files };
}

interface LineCounts {
  readonly path: string;
  readonly additions: number;
  readonly deletions: number;
}

/** Parses `git diff --numstat -z` without renames: `added TAB deleted TAB path NUL` per file. */
export function parseNumstat(text: string): LineCounts[] {
  return text
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [additions = '', deletions = '', ...path] = entry.split('\t');
      // Binary files count `-`: they have no lines, and their size is judged elsewhere.
      return { path: path.join('\t'), additions: count(additions), deletions: count(deletions) };
    });
}

function count(field: string): number {
  return field === '-' ? 0 : Number.parseInt(field, 10);
}

/**
 * The added lines of each file section of a unified diff, in the order git wrote them, which is
 * the order of `--numstat` for the same diff. Sections are told apart by their `diff --git` line
 * (content lines always start with a space, `+`, `-` or `\`), so no path needs unquoting.
 */
export function addedLinesPerFile(patch: string): string[][] {
  const sections: string[][] = [];
  let current: string[] | undefined;
  let inHunks = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = [];
      sections.push(current);
      inHunks = false;
    } else if (line.startsWith('@@')) {
      inHunks = true;
    } else if (inHunks && line.startsWith('+')) {
      current?.push(line.slice(1));
    }
  }
  return sections;
}

/** Paths whose work-tree state differs from `HEAD`, untracked ones included. */
export async function dirtyPaths(git: GitRunner): Promise<string[]> {
  const status = await git.bytes([
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--no-renames',
  ]);
  return status
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => entry.slice('XY '.length));
}

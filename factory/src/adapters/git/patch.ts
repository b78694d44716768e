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
 *
 * The guardrails judge every file as text, binary ones included: a NUL byte, or a `.gitattributes`
 * that marks files `-diff`, makes git show "Binary files differ" and count no lines, which would
 * hide a file's size and its content from the diff limits and the secret scan.
 */
export async function diffAgainst(git: GitRunner, baseSha: string): Promise<WorkTreeDiff> {
  await git.output(['add', '--all']);
  const diff = (...options: string[]) =>
    git.bytes(['diff', '--cached', ...options, ...DIFF_OPTIONS, baseSha, '--']);
  const [patch, names, asText] = await Promise.all([
    diff('--binary'),
    diff('--name-only', '-z'),
    diff('--text'),
  ]);
  const paths = names
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '');
  const sections = changedLinesPerFile(asText.toString('utf8'));
  if (sections.length !== paths.length) {
    throw new GitError('diff', 0, '', 'the patch and its file list disagree');
  }
  const files = paths.map((path, index) => {
    const { added, deletions } = sections[index] ?? { added: [], deletions: 0 };
    return { path, additions: added.length, deletions, addedLines: added };
  });
  return { patch, files };
}

/**
 * The added lines of each file section of a unified diff, in the order git wrote them, which is
 * the order of `--numstat` and `--name-only` for the same diff.
 */
export function addedLinesPerFile(patch: string): string[][] {
  return changedLinesPerFile(patch).map((section) => section.added);
}

/**
 * The added lines and the count of deleted lines of each file, in the order git wrote them. Files
 * are told apart by their `diff --git` line (content lines always start with a space, `+`, `-` or
 * `\`), so no path needs unquoting. A file that became a symlink, or the reverse, gets two sections
 * with the same `diff --git` line (a deletion, then a creation) and is one file here, as in
 * `--name-only`.
 */
export function changedLinesPerFile(patch: string): { added: string[]; deletions: number }[] {
  const sections: { added: string[]; deletions: number }[] = [];
  let current: { added: string[]; deletions: number } | undefined;
  let header = '';
  let inHunks = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      if (line !== header || current === undefined) {
        current = { added: [], deletions: 0 };
        sections.push(current);
      }
      header = line;
      inHunks = false;
    } else if (line.startsWith('@@')) {
      inHunks = true;
    } else if (inHunks && current !== undefined) {
      if (line.startsWith('+')) current.added.push(line.slice(1));
      else if (line.startsWith('-')) current.deletions++;
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

/**
 * A unified diff of planned changes, for `init --dry-run`. git already writes the format people
 * know, so the before and after texts go to a temporary folder and `git diff --no-index` compares
 * them; nothing in the checkout is touched.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createGitRunner } from '../../adapters/git/exec.ts';
import { GitError } from '../../adapters/git/errors.ts';
import type { FileChange } from './plan.ts';

/** The changes as one unified diff with `a/<path>` and `b/<path>` headers, like `git diff`. */
export async function renderDiff(changes: readonly FileChange[]): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'factory-init-diff-'));
  try {
    for (const change of changes) {
      await writeBeside(join(scratch, 'a', change.path), change.before);
      await writeBeside(join(scratch, 'b', change.path), change.after);
    }
    const git = createGitRunner({ dir: scratch });
    // The folders are literally named `a` and `b`, so without git's own prefixes the headers
    // read `a/README.md` and `b/README.md`.
    const args = ['diff', '--no-index', '--no-prefix', '--no-ext-diff', '--color=never', 'a', 'b'];
    const result = await git.run(args);
    // `--no-index` exits 1 when the trees differ, which is the point here.
    if (result.code > 1) throw new GitError('diff', result.code, result.stderr);
    return result.stdout.toString('utf8');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function writeBeside(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

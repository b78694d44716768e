/**
 * Creates the forge's bare repository: initial commit on `main` from a directory or a file map,
 * smart-HTTP pushes enabled, and the pre-receive hook that guards `.github/workflows/`.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from './git.ts';

export type Seed = { readonly dir: string } | { readonly files: Readonly<Record<string, string>> };

export const DEFAULT_BRANCH = 'main';

/**
 * The variable the forge sets for git when the pusher's token may not touch workflow files.
 * It reaches the hook through `git http-backend` → `receive-pack`, which pass their environment on.
 */
export const WORKFLOWS_REFUSED_ENV = 'FORGE_REFUSE_WORKFLOW_CHANGES';

/**
 * The file in the bare repository where the rulesets route lists the push rules in force: one
 * line per rule of an active ruleset, its type, the refs it covers and those it leaves out (each
 * an extended regular expression), tab-separated.
 */
export const RULESETS_FILE = 'forge-push-rules';

/**
 * GitHub compares the old and new tip, so a rebase or merge that brings in someone else's
 * workflow change is refused too (github-mechanics §4). A new branch is compared with main.
 * A ruleset's push rules refuse a push to a branch they cover with GitHub's GH013 message:
 * `required_signatures` an unsigned commit, `non_fast_forward` a force push, `update` any update
 * of the branch.
 */
const PRE_RECEIVE_HOOK = `#!/bin/sh
# Installed by the twin forge. Mirrors GitHub's push rules: the workflows permission, and
# rulesets' rules on pushes.
zero=0000000000000000000000000000000000000000
tab=$(printf '\\t')
# Prints the first rule the update of ref $3 from $1 to $2 breaks, if any.
rule_broken() {
  [ -f ${RULESETS_FILE} ] || return 0
  while IFS="$tab" read -r type include exclude; do
    printf '%s\\n' "$3" | grep -Eq "$include" || continue
    [ -n "$exclude" ] && printf '%s\\n' "$3" | grep -Eq "$exclude" && continue
    case "$type" in
      required_signatures)
        for commit in $(git rev-list "$2" --not --all); do
          git cat-file commit "$commit" | sed '/^$/q' | grep -q '^gpgsig ' && continue
          echo "Commits must have verified signatures."
          return 0
        done ;;
      non_fast_forward)
        if [ "$1" != "$zero" ] && ! git merge-base --is-ancestor "$1" "$2"; then
          echo "Cannot force-push to this branch"
          return 0
        fi ;;
      update)
        [ "$1" != "$zero" ] && { echo "Cannot update this protected ref."; return 0; } ;;
    esac
  done < ${RULESETS_FILE}
  return 0
}
while read -r old new ref; do
  [ "$new" = "$zero" ] && continue
  broken=$(rule_broken "$old" "$new" "$ref")
  if [ -n "$broken" ]; then
    echo "error: GH013: Repository rule violations found for $ref." >&2
    echo "- $broken" >&2
    exit 1
  fi
  [ "$${WORKFLOWS_REFUSED_ENV}" = "1" ] || continue
  if [ "$old" = "$zero" ]; then
    old=$(git merge-base refs/heads/${DEFAULT_BRANCH} "$new" 2>/dev/null) || old=$(git hash-object -t tree /dev/null)
  fi
  file=$(git diff --name-only --no-renames "$old" "$new" -- .github/workflows/ | head -n 1)
  if [ -n "$file" ]; then
    echo "refusing to allow a GitHub App to create or update workflow \\\`$file\\\` without \\\`workflows\\\` permission" >&2
    exit 1
  fi
done
exit 0
`;

/** Creates `<root>/<owner>/<name>.git`, seeded with one commit on `main`; returns its path. */
export async function createBareRepository(
  root: string,
  owner: string,
  name: string,
  seed: Seed,
): Promise<string> {
  const gitDir = join(root, owner, `${name}.git`);
  await mkdir(gitDir, { recursive: true });
  await git(['init', '--quiet', '--bare', `--initial-branch=${DEFAULT_BRANCH}`, gitDir]);
  await git(['config', 'http.receivepack', 'true'], { gitDir });
  await git(['config', 'uploadpack.allowAnySHA1InWant', 'true'], { gitDir });
  // Every job's checkout fetches a whole tree over loopback: packing it without delta search or
  // compression costs less than the bytes it would save.
  await git(['config', 'pack.window', '0'], { gitDir });
  await git(['config', 'pack.compression', '0'], { gitDir });
  const hook = join(gitDir, 'hooks', 'pre-receive');
  await writeFile(hook, PRE_RECEIVE_HOOK);
  await chmod(hook, 0o755);
  await seedInitialCommit(gitDir, seed);
  return gitDir;
}

async function seedInitialCommit(gitDir: string, seed: Seed): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'forge-seed-'));
  try {
    const workTree =
      'dir' in seed ? seed.dir : await writeFiles(join(scratch, 'files'), seed.files);
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    await git(['--work-tree', workTree, 'add', '--all', '.'], { gitDir, env });
    const tree = await git(['write-tree'], { gitDir, env });
    const commit = await git(['commit-tree', tree, '-m', 'Initial commit'], { gitDir });
    await git(['update-ref', `refs/heads/${DEFAULT_BRANCH}`, commit], { gitDir });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function writeFiles(dir: string, files: Readonly<Record<string, string>>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return dir;
}

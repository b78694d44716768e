/**
 * Applying an agent's patch in the apply job. The patch is untrusted: before it touches the work
 * tree it is applied to a scratch index, which lists every path it changes (both sides of a
 * rename) with git's own parser, so the caller can re-check protected paths on exactly those.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseRepoPath } from '../../core/paths.ts';
import type { GitRunner } from './exec.ts';

export type PatchRefusal = 'outside-repository' | 'symlink' | 'submodule';

export type PatchProblem =
  /** git cannot apply it here (context differs, corrupt patch); `message` is git's. */
  | { readonly kind: 'does-not-apply'; readonly message: string }
  /** It would write somewhere the line never lets a patch write. */
  | {
      readonly kind: 'refused';
      readonly reason: PatchRefusal;
      readonly paths: readonly string[];
      readonly message: string;
    };

export type PatchInspection =
  { readonly kind: 'applies'; readonly paths: readonly string[] } | PatchProblem;

export type ApplyResult =
  { readonly kind: 'applied'; readonly paths: readonly string[] } | PatchProblem;

const APPLY_OPTIONS = ['--whitespace=nowarn'];
/**
 * File modes a patch may not create. A symbolic link can point anywhere on the runner, and a
 * submodule would make a later checkout fetch code from elsewhere.
 */
const FORBIDDEN_MODES: readonly (readonly [string, PatchRefusal])[] = [
  ['120000', 'symlink'],
  ['160000', 'submodule'],
];

/**
 * What a patch would change if applied on `HEAD`, without changing anything: every path it
 * touches, or why it does not apply or is refused. Meant for a fresh checkout, whose index is
 * `HEAD`, as in the apply job.
 */
export async function inspectPatch(
  git: GitRunner,
  patch: string | Uint8Array,
): Promise<PatchInspection> {
  if (patch.length === 0) return { kind: 'applies', paths: [] };
  const named = await pathsNamedIn(git, patch);
  if (!Array.isArray(named)) return named;
  const escaping = named.filter((path) => !isInsideRepository(path));
  if (escaping.length > 0) return refuse('outside-repository', escaping);
  const scratch = await mkdtemp(join(tmpdir(), 'factory-patch-'));
  try {
    return await inspectOnScratchIndex(git, patch, { GIT_INDEX_FILE: join(scratch, 'index') });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Every path the patch names, read by git's own parser. `--numstat` lists only the new side of a
 * rename; the same listing of the reversed patch adds the old side (e.g. a rename out of `.git`).
 */
async function pathsNamedIn(
  git: GitRunner,
  patch: string | Uint8Array,
): Promise<string[] | PatchProblem> {
  const paths: string[] = [];
  for (const direction of [[], ['--reverse']]) {
    const listed = await git.run(['apply', '--numstat', '-z', ...direction], { input: patch });
    if (listed.code !== 0) return doesNotApply(listed.stderr);
    paths.push(...listed.stdout.toString('utf8').split('\0').flatMap(pathOfNumstat));
  }
  return [...new Set(paths)];
}

/**
 * Applies a patch to the work tree and the index, all or nothing, after `inspectPatch` found
 * nothing to refuse. A refused or failing patch leaves the checkout untouched.
 */
export async function applyPatch(git: GitRunner, patch: string | Uint8Array): Promise<ApplyResult> {
  const inspection = await inspectPatch(git, patch);
  if (inspection.kind !== 'applies') return inspection;
  if (inspection.paths.length === 0) return { kind: 'applied', paths: [] };
  const applied = await git.run(['apply', '--index', ...APPLY_OPTIONS], { input: patch });
  if (applied.code !== 0) return doesNotApply(applied.stderr);
  return { kind: 'applied', paths: inspection.paths };
}

async function inspectOnScratchIndex(
  git: GitRunner,
  patch: string | Uint8Array,
  env: Readonly<Record<string, string>>,
): Promise<PatchInspection> {
  await git.output(['read-tree', 'HEAD'], { env });
  const applied = await git.run(['apply', '--cached', ...APPLY_OPTIONS], { input: patch, env });
  if (applied.code !== 0) {
    // git's own path check, behind ours.
    return /invalid path/i.test(applied.stderr)
      ? refuse('outside-repository', quotedPaths(applied.stderr), applied.stderr)
      : doesNotApply(applied.stderr);
  }
  const raw = await git.bytes(['diff', '--cached', '--raw', '-z', '--no-renames', 'HEAD', '--'], {
    env,
  });
  const changes = parseRawDiff(raw.toString('utf8'));
  for (const [mode, reason] of FORBIDDEN_MODES) {
    const paths = changes.filter((change) => change.newMode === mode).map(({ path }) => path);
    if (paths.length > 0) return refuse(reason, paths);
  }
  return { kind: 'applies', paths: changes.map(({ path }) => path) };
}

/** A plain relative path that stays inside the work tree and out of any `.git` directory. */
export function isInsideRepository(path: string): boolean {
  const normalised = normaliseRepoPath(path);
  return (
    normalised !== undefined && !normalised.split('/').some((part) => part.toLowerCase() === '.git')
  );
}

interface RawChange {
  readonly newMode: string;
  readonly path: string;
}

/** Parses `git diff --raw -z --no-renames`: `:old new oldsha newsha status NUL path NUL` pairs. */
export function parseRawDiff(text: string): RawChange[] {
  const fields = text.split('\0');
  const changes: RawChange[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const [, newMode = ''] = (fields[index] ?? '').split(' ');
    changes.push({ newMode, path: fields[index + 1] ?? '' });
  }
  return changes;
}

function pathOfNumstat(entry: string): string[] {
  if (entry === '') return [];
  return [entry.split('\t').slice(2).join('\t')];
}

function quotedPaths(message: string): string[] {
  return [...message.matchAll(/'([^']*)'/g)].map((match) => match[1] ?? '');
}

function doesNotApply(stderr: string): PatchProblem {
  return { kind: 'does-not-apply', message: stderr.trim() || 'git apply refused the patch' };
}

function refuse(reason: PatchRefusal, paths: readonly string[], detail?: string): PatchProblem {
  const what = {
    'outside-repository': 'writes outside the repository or into .git',
    symlink: 'creates a symbolic link',
    submodule: 'adds a submodule',
  }[reason];
  const message = `The patch ${what}: ${paths.join(', ')}.${detail === undefined ? '' : ` ${detail.trim()}`}`;
  return { kind: 'refused', reason, paths, message };
}

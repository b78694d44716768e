/**
 * Path confinement for the file tools. A model-supplied path is relative to the workspace;
 * `..`, absolute paths and symlinks resolving outside are refused before any file is touched, and
 * `.git` is off limits: its config and hooks are the repository's machinery, not its content.
 * Writes are refused on protected paths too; the apply job checks the patch again.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

/** A refusal the model sees as an error tool result; never a crash of the session. */
export class ToolRefusal extends Error {
  override readonly name = 'ToolRefusal';
}

export interface ConfinedPath {
  /** The path as the model wrote it, normalised (`./a//b` → `a/b`). */
  readonly requested: string;
  /** Workspace-relative after following symlinks,, `/`-separated: what the model and the protected-path globs see. */
  readonly relative: string;
  /** Absolute path inside the real (symlink-resolved) workspace. */
  readonly absolute: string;
}

function assertPlainRelative(requested: string): string {
  if (requested.includes('\0')) throw new ToolRefusal('path refused: it contains a NUL byte');
  const slashed = requested.replaceAll('\\', '/');
  if (path.posix.isAbsolute(slashed) || /^[A-Za-z]:/.test(slashed)) {
    throw new ToolRefusal(
      `path refused: "${requested}" is absolute; give a path relative to the workspace root`,
    );
  }
  const segments = slashed.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new ToolRefusal(
      `path refused: "${requested}" contains "..": paths must stay inside the workspace`,
    );
  }
  if (segments[0] === '.git') throw new ToolRefusal(`path refused: "${requested}" is inside .git`);
  return segments.join('/');
}

/** The nearest existing ancestor's real path, so a new file's parent cannot be a symlink out. */
async function realExisting(absolute: string): Promise<{ real: string; rest: string[] }> {
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return { real: await realpath(current), rest };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      rest.unshift(path.basename(current));
      const parent = path.dirname(current);
      if (parent === current) throw error;
      current = parent;
    }
  }
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Resolves a model-supplied path inside `workspaceRoot` (which must already be a real path),
 * following symlinks, or throws a `ToolRefusal` that says why.
 */
export async function confinePath(workspaceRoot: string, requested: string): Promise<ConfinedPath> {
  const relative = assertPlainRelative(requested);
  const { real, rest } = await realExisting(path.join(workspaceRoot, relative));
  const absolute = path.join(real, ...rest);
  if (!isInside(workspaceRoot, absolute)) {
    throw new ToolRefusal(
      `path refused: "${requested}" resolves outside the workspace through a symlink`,
    );
  }
  const resolved = path.relative(workspaceRoot, absolute).split(path.sep).join('/');
  if (resolved === '.git' || resolved.startsWith('.git/')) {
    throw new ToolRefusal(`path refused: "${requested}" resolves inside .git`);
  }
  return {
    requested: relative === '' ? '.' : relative,
    relative: resolved === '' ? '.' : resolved,
    absolute,
  };
}

/** A matcher for the configured protected-path globs (`**` crosses folders, `*` does not). */
export function createProtectedMatcher(globs: readonly string[]): (relative: string) => boolean {
  // Compiled when first asked, not as the tools are built: the session's first request goes out a
  // few milliseconds sooner (ADR 0005).
  let matchers: ((relative: string) => boolean)[] | undefined;
  return (relative) =>
    (matchers ??= globs.map((glob) => picomatch(glob, { dot: true }))).some((matches) =>
      matches(relative),
    );
}

/**
 * Throws unless the model may write `target`. Both the written and the resolved path are
 * checked, so a symlink can neither lead into the floor nor disguise a floor path.
 */
export function assertWritable(
  target: ConfinedPath,
  isProtected: (relative: string) => boolean,
): void {
  const hit = [target.requested, target.relative].find(isProtected);
  if (hit !== undefined) {
    throw new ToolRefusal(
      `write refused: "${hit}" is a protected path (the factory's floor); people change it, agents do not`,
    );
  }
}

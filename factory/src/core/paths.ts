/**
 * Repository paths as the line sees them: POSIX, relative to the repository root. Agents may never
 * change a protected path (design §8); the tool layer refuses such writes and the apply job refuses
 * such patches again, so one rule is shared by both.
 */
import picomatch from 'picomatch';

/**
 * Normalises a repository path and rejects anything that is not a plain relative path inside the
 * repository. Returns `undefined` for absolute paths, `..` escapes, empty paths and NUL bytes.
 */
export function normaliseRepoPath(path: string): string | undefined {
  if (path === '' || path.includes('\0') || path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    return undefined;
  }
  const parts: string[] = [];
  for (const part of path.replaceAll('\\', '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join('/');
}

/** Compiles protected-path globs once; `dot: true` so `.github/**` also covers dotfiles inside. */
export function createProtectedPathMatcher(globs: readonly string[]): (path: string) => boolean {
  const matchers = globs.map((glob) => picomatch(glob, { dot: true }));
  return (path) => {
    const normalised = normaliseRepoPath(path);
    // A path that cannot be normalised is outside the repository: treat it as protected.
    if (normalised === undefined) return true;
    return matchers.some((matches) => matches(normalised));
  };
}

/** The protected globs a path matches, for a refusal that names the rule it broke. */
export function protectedGlobsMatching(path: string, globs: readonly string[]): string[] {
  const normalised = normaliseRepoPath(path);
  if (normalised === undefined) return ['(outside the repository)'];
  return globs.filter((glob) => picomatch(glob, { dot: true })(normalised));
}

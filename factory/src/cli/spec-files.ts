/**
 * Specs as the command line meets them: files in the checkout, linted against every spec the
 * repository knows — on the default branch and in open pull requests when a repository is
 * reachable, else the checkout's own `specs/` folder.
 */
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  hasErrors,
  isSpecPath,
  lintSpec,
  SPECS_DIR,
  type SpecFinding,
} from '../core/spec/index.ts';
import { CliError, type Connection } from './connection.ts';
import { findRepoRoot } from './repo-root.ts';

export interface SpecFile {
  /** Repository-relative, with forward slashes: `specs/0002-export-csv.md`. */
  readonly path: string;
  readonly text: string;
}

export interface SpecLintResult {
  readonly path: string;
  readonly ok: boolean;
  readonly findings: readonly SpecFinding[];
}

/** The checkout's root, or `cwd` itself outside a checkout. */
export function readRoot(cwd: string): string {
  try {
    return findRepoRoot(cwd);
  } catch {
    return cwd;
  }
}

/** Reads a spec given as a path from `cwd`; its name is taken relative to the checkout's root. */
export async function readSpecFile(given: string, cwd: string, root: string): Promise<SpecFile> {
  const absolute = isAbsolute(given) ? given : resolve(cwd, given);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(
      `Cannot read ${given}: ${code === 'ENOENT' ? 'no such file' : String(code)}.`,
    );
  }
  return { path: relative(root, absolute).split(sep).join('/'), text };
}

/** Spec paths in the checkout's `specs/` folder. */
export async function listLocalSpecPaths(root: string): Promise<string[]> {
  const names = await readdir(join(root, SPECS_DIR)).catch(() => []);
  return names.map((name) => `${SPECS_DIR}/${name}`).filter(isSpecPath);
}

/** Spec paths on the default branch and added or changed by open pull requests. */
export async function listRemoteSpecPaths(connection: Connection): Promise<string[]> {
  const { admin, github, repository } = connection;
  const [onMain, open] = await Promise.all([
    admin.listDirectory(SPECS_DIR, repository.defaultBranch),
    github.listOpenPullRequests(),
  ]);
  const inPulls = await Promise.all(
    open
      .filter((pr) => !pr.isFork)
      .map(async (pr) => (await github.listChangedFiles(pr.number)).map((file) => file.path)),
  );
  return [...new Set([...onMain, ...inPulls.flat()])].filter(isSpecPath);
}

/** Lints each spec against the known ones and against each other (two new specs may collide). */
export function lintSpecFiles(
  specs: readonly SpecFile[],
  knownPaths: readonly string[],
): SpecLintResult[] {
  const existingSpecPaths = [...new Set([...knownPaths, ...specs.map((spec) => spec.path)])];
  return specs.map((spec) => {
    const findings = lintSpec({ path: spec.path, text: spec.text, existingSpecPaths });
    return { path: spec.path, ok: !hasErrors(findings), findings };
  });
}

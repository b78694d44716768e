/**
 * `factory lint <spec-path...>`: the checks the line runs on a queued spec, before it is queued.
 * Findings come as `file:line: severity code: message` with how to fix each; exit 1 on any error.
 */
import { Command } from '@commander-js/extra-typings';
import {
  apiUrlOption,
  connect,
  jsonOption,
  repoOption,
  type CliDeps,
  type ConnectionFlags,
} from '../connection.ts';
import { runGuarded, type SetExitCode } from '../guard.ts';
import { colorsFor, type CliIo } from '../io.ts';
import {
  lintSpecFiles,
  listLocalSpecPaths,
  listRemoteSpecPaths,
  readRoot,
  readSpecFile,
  type SpecLintResult,
} from '../spec-files.ts';

export interface LintFlags extends ConnectionFlags {
  readonly json?: boolean;
}

/** Lints the specs; returns the exit code (1 when any spec has an error). */
export function runLint(
  paths: readonly string[],
  flags: LintFlags,
  deps: CliDeps,
): Promise<number> {
  return runGuarded(deps.io, async () => {
    const root = readRoot(deps.cwd);
    const specs = await Promise.all(paths.map((path) => readSpecFile(path, deps.cwd, root)));
    // A repository is consulted only when asked for: lint must work offline on a fresh checkout.
    const remote = flags.repo !== undefined || flags.apiUrl !== undefined;
    const known = remote
      ? await listRemoteSpecPaths(await connect(flags, deps))
      : await listLocalSpecPaths(root);
    const results = lintSpecFiles(specs, known);
    if (flags.json === true) deps.io.out(JSON.stringify({ specs: results }, null, 2));
    else printFindings(results, deps.io);
    return results.every((result) => result.ok) ? 0 : 1;
  });
}

/** Compiler-style lines (clickable in editors and terminals), then a one-line summary. */
export function printFindings(results: readonly SpecLintResult[], io: CliIo): void {
  const c = colorsFor(io);
  let errors = 0;
  let warnings = 0;
  for (const { path, findings } of results) {
    for (const finding of findings) {
      const where = finding.line === undefined ? path : `${path}:${String(finding.line)}`;
      const isError = finding.severity === 'error';
      if (isError) errors += 1;
      else warnings += 1;
      const severity = isError ? c.red('error') : c.yellow('warning');
      io.out(`${c.bold(where)}: ${severity} ${c.dim(finding.code)}: ${finding.message}`);
      io.out(`    ${c.dim('fix:')} ${finding.howToFix}`);
    }
  }
  const specs = `${String(results.length)} spec${results.length === 1 ? '' : 's'}`;
  if (errors + warnings === 0) {
    io.out(c.green(`✓ ${specs} checked, no findings`));
    return;
  }
  const summary = `${String(errors)} error(s), ${String(warnings)} warning(s) in ${specs}`;
  io.out(errors > 0 ? c.red(`✗ ${summary}`) : c.yellow(`! ${summary}`));
}

export function lintCommand(deps: CliDeps, setExitCode: SetExitCode) {
  return new Command('lint')
    .description('Check specs against the rules the line applies when they are queued')
    .argument('<spec-path...>', 'spec files, e.g. specs/0002-export-csv.md')
    .addOption(repoOption())
    .addOption(apiUrlOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Numbering collisions and depends-on are checked against the checkout's specs/ folder, or, with
--repo (or --api-url), against the specs on the default branch and in open pull requests.
Exit code: 1 when any spec has an error; warnings alone exit 0.

Examples:
  $ pnpm factory lint specs/0002-export-csv.md
  $ pnpm factory lint 'specs/[0-9]*.md' --json    # every spec; specs/TEMPLATE.md is not one
  $ pnpm factory lint --repo acme/widgets specs/0002-export-csv.md`,
    )
    .action(async (paths, options) => {
      setExitCode(await runLint(paths, options, deps));
    });
}

/**
 * `factory queue <spec-path>`: lints the spec against the repository, then commits it to a new
 * branch through the API (no clone), opens its pull request and labels it `state:queued` as the
 * person running the command. A spec with errors is refused with its findings, and nothing is
 * written.
 */
import { Command } from '@commander-js/extra-typings';
import { parseSpec, type Spec } from '../../core/spec/index.ts';
import { labelOf } from '../../core/states.ts';
import {
  apiUrlOption,
  CliError,
  connect,
  jsonOption,
  repoOption,
  type CliDeps,
  type Connection,
  type ConnectionFlags,
} from '../connection.ts';
import { runGuarded, type SetExitCode } from '../guard.ts';
import { colorsFor } from '../io.ts';
import {
  lintSpecFiles,
  listRemoteSpecPaths,
  readRoot,
  readSpecFile,
  type SpecFile,
} from '../spec-files.ts';
import { printFindings } from './lint.ts';

export interface QueueFlags extends ConnectionFlags {
  readonly json?: boolean;
}

/** The branch a queued spec travels on: `spec/0002-export-csv`. */
export function branchForSpec(spec: Spec): string {
  return `spec/${spec.path.slice(spec.path.lastIndexOf('/') + 1).replace(/\.md$/, '')}`;
}

/** Lints, then queues; returns the exit code. */
export function runQueue(specPath: string, flags: QueueFlags, deps: CliDeps): Promise<number> {
  return runGuarded(deps.io, async () => {
    const file = await readSpecFile(specPath, deps.cwd, readRoot(deps.cwd));
    const connection = await connect(flags, deps);
    const [result] = lintSpecFiles([file], await listRemoteSpecPaths(connection));
    const parsed = parseSpec(file.path, file.text);
    if (result === undefined || !result.ok || !parsed.ok) {
      deps.io.err(`Not queued: ${file.path} does not pass lint. Nothing was written.`);
      if (result !== undefined) printFindings([result], { ...deps.io, out: deps.io.err });
      return 1;
    }
    const queued = await openSpecPull(connection, file, parsed.spec);
    const { owner, name } = connection.repository;
    if (flags.json === true) {
      deps.io.out(
        JSON.stringify({ repository: `${owner}/${name}`, ...queued, label: labelOf('queued') }),
      );
    } else {
      const c = colorsFor(deps.io);
      deps.io.out(
        `${c.green('✓')} Queued ${file.path} as ${c.bold(`#${String(queued.pr)}`)} on ${owner}/${name} (branch ${queued.branch}, ${labelOf('queued')}).`,
      );
      deps.io.out('  Watch it with: pnpm factory status');
    }
    return 0;
  });
}

/**
 * Every check that can refuse runs before the first write, so a refusal leaves the repository
 * as it was. Writes go in the order a person can recover from: branch, file, PR, label.
 */
async function openSpecPull(
  connection: Connection,
  file: SpecFile,
  spec: Spec,
): Promise<{ pr: number; branch: string; path: string }> {
  const { admin, github, repository } = connection;
  const base = repository.defaultBranch;
  const branch = branchForSpec(spec);
  const [baseSha, branchSha, onMain] = await Promise.all([
    admin.readBranchSha(base),
    admin.readBranchSha(branch),
    github.readFile(file.path, base),
  ]);
  if (onMain !== undefined) {
    throw new CliError(`${file.path} is already on ${base}: queue a new spec with its own number.`);
  }
  if (branchSha !== undefined) {
    throw new CliError(
      `Branch ${branch} already exists: open its pull request, or delete the branch and queue again.`,
    );
  }
  if (baseSha === undefined) throw new CliError(`The default branch ${base} does not exist.`);
  await admin.createBranch(branch, baseSha);
  await admin.addFile({
    branch,
    path: file.path,
    text: file.text,
    message: `Add spec ${file.path}`,
  });
  const pr = await admin.openPullRequest({
    title: spec.title,
    head: branch,
    base,
    body: `Spec: \`${file.path}\`\n\n${spec.goal}\n\nQueued with \`pnpm factory queue\`.`,
  });
  await admin.addLabels(pr, [labelOf('queued')]);
  return { pr, branch, path: file.path };
}

export function queueCommand(deps: CliDeps, setExitCode: SetExitCode) {
  return new Command('queue')
    .description('Lint a spec, open its pull request from a new branch and label it state:queued')
    .argument('<spec-path>', 'the spec file, e.g. specs/0002-export-csv.md')
    .addOption(repoOption())
    .addOption(apiUrlOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
The spec is committed to branch spec/<number>-<name> through the GitHub API (no push from your
checkout), the pull request takes the spec's title, and it is labelled state:queued as you: the
scheduler picks it up from there. A spec that fails lint is refused with its findings; nothing is written.

Examples:
  $ pnpm factory queue specs/0002-export-csv.md
  $ pnpm factory queue specs/0002-export-csv.md --repo acme/widgets --json`,
    )
    .action(async (specPath, options) => {
      setExitCode(await runQueue(specPath, options, deps));
    });
}

/**
 * `factory init --name <project> [--owner <org>] [--dry-run]`: stamp a fresh fork with its own
 * name. The plan comes from `init/plan.ts` (pure); this file reads the checkout, refuses what is
 * unsafe, and writes or diffs the plan.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { createGit } from '../../adapters/git/index.ts';
import { createGitRunner, type GitRunner } from '../../adapters/git/exec.ts';
import { renderDiff } from '../init/diff.ts';
import { parseGitHubOwner } from '../init/names.ts';
import {
  checkStampRequest,
  isStampTarget,
  planStamp,
  readPackageName,
  type FileChange,
  type StampNames,
} from '../init/plan.ts';
import { findRepoRoot } from '../repo-root.ts';

export interface InitOptions {
  readonly name: string;
  /** GitHub owner for links and badges; inferred from a github.com `origin` when left out. */
  readonly owner?: string | undefined;
  /** Print the changes as a unified diff and write nothing. */
  readonly dryRun?: boolean | undefined;
}

export interface InitIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Stamps the checkout at `repoRoot`; resolves with the exit code. Refusals (a bad name, a fork
 * already stamped under another name, uncommitted changes) write nothing and exit 1.
 */
export async function runInit(repoRoot: string, options: InitOptions, io: InitIo): Promise<number> {
  const git = createGitRunner({ dir: repoRoot });
  const names: StampNames = {
    name: options.name,
    owner: options.owner ?? (await originOwner(git)),
  };
  const current = readPackageName(await readFile(join(repoRoot, 'package.json'), 'utf8'));
  const request = checkStampRequest(current, names);
  if (!request.ok) return refuse(io, request.reason);

  const changes = planStamp(await readTargets(git, repoRoot), names);
  if (changes.length === 0) {
    io.out(`Nothing to change: this checkout is already stamped as "${names.name}".`);
    return 0;
  }
  if (options.dryRun === true) {
    io.out((await renderDiff(changes)).trimEnd());
    io.err(`Dry run: ${describeCount(changes)} would change; nothing was written.`);
    return 0;
  }
  // Refused before any write, so init's changes never mix with someone's unfinished work.
  const dirty = await createGit({ dir: repoRoot }).dirtyPaths();
  if (dirty.length > 0) {
    return refuse(
      io,
      `the working tree has uncommitted changes (${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ', …' : ''}). Commit or stash them first, so init's changes stand alone.`,
    );
  }
  for (const change of changes) await writeFile(join(repoRoot, change.path), change.after);
  io.out(`Stamped "${names.name}" into ${describeCount(changes)}:`);
  for (const change of changes) io.out(`  ${change.path}`);
  io.out('Review them with `git diff`, then commit.');
  return 0;
}

/** Adds `init` to the `factory` command. */
export function addInitCommand(program: Command): void {
  program
    .command('init')
    .description('Stamp a fresh fork with its own name: package names, README, docs and config')
    .requiredOption('--name <project>', 'project name (an npm package name, also the repo name)')
    .option('--owner <org>', 'GitHub user or organisation (default: from a github.com origin)')
    .option('--dry-run', 'print the changes as a unified diff and write nothing')
    .action(async (options) => {
      process.exitCode = await runInit(findRepoRoot(), options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}

/** The text of every tracked file `init` may stamp; deleted-but-tracked files are skipped. */
async function readTargets(git: GitRunner, repoRoot: string): Promise<Map<string, string>> {
  const listing = await git.bytes(['ls-files', '-z']);
  const paths = listing.toString('utf8').split('\0').filter(isStampTarget);
  const files = new Map<string, string>();
  for (const path of paths) {
    const text = await readFile(join(repoRoot, path), 'utf8').catch(() => undefined);
    if (text !== undefined) files.set(path, text);
  }
  return files;
}

async function originOwner(git: GitRunner): Promise<string | undefined> {
  const result = await git.run(['remote', 'get-url', 'origin']);
  return result.code === 0 ? parseGitHubOwner(result.stdout.toString('utf8')) : undefined;
}

function refuse(io: InitIo, reason: string): number {
  io.err(`factory init: ${reason}`);
  return 1;
}

function describeCount(changes: readonly FileChange[]): string {
  return changes.length === 1 ? '1 file' : `${String(changes.length)} files`;
}

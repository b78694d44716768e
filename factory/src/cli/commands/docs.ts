/**
 * `factory docs config [--check]`: write the configuration reference rendered from the schema, or
 * with `--check` only say whether the committed one is current (exit 1 when stale, for CI).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { format, resolveConfig } from 'prettier';
import {
  CONFIG_REFERENCE_PATH,
  REGENERATE_COMMAND,
  renderConfigReference,
} from '../config-reference.ts';
import { findRepoRoot } from '../repo-root.ts';

export interface DocsIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * The reference exactly as it is committed: rendered, then formatted with the repository's own
 * Prettier settings so `prettier --check` and this command agree on every byte.
 */
export async function renderCommittedConfigReference(repoRoot: string): Promise<string> {
  const target = join(repoRoot, CONFIG_REFERENCE_PATH);
  const options = (await resolveConfig(target)) ?? {};
  return format(renderConfigReference(), { ...options, filepath: target });
}

/** Writes (or with `check`, compares) the reference under `repoRoot`; resolves with the exit code. */
export async function runDocsConfig(
  repoRoot: string,
  options: { readonly check?: boolean | undefined },
  io: DocsIo,
): Promise<number> {
  const target = join(repoRoot, CONFIG_REFERENCE_PATH);
  const expected = await renderCommittedConfigReference(repoRoot);
  const actual = await readFile(target, 'utf8').catch(() => undefined);
  if (actual === expected) {
    io.out(`${CONFIG_REFERENCE_PATH} is up to date.`);
    return 0;
  }
  if (options.check === true) {
    io.err(`${CONFIG_REFERENCE_PATH} is out of date: run \`${REGENERATE_COMMAND}\` and commit it.`);
    return 1;
  }
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, expected);
  io.out(`Wrote ${CONFIG_REFERENCE_PATH}.`);
  return 0;
}

/** Adds `docs config` to the `factory` command. */
export function addDocsCommand(program: Command): void {
  program
    .command('docs')
    .description('Documentation generated from the code')
    .command('config')
    .description(`Write ${CONFIG_REFERENCE_PATH} from the configuration schema`)
    .option('--check', 'only check that the committed reference is current (exit 1 if not)')
    .action(async (options) => {
      process.exitCode = await runDocsConfig(findRepoRoot(), options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}

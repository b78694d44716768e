import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCommittedConfigReference, runDocsConfig } from '../../src/cli/commands/docs.ts';
import {
  CONFIG_REFERENCE_PATH,
  REGENERATE_COMMAND,
  renderConfigReference,
} from '../../src/cli/config-reference.ts';
import { CONFIG_FILE, defaultConfig } from '../../src/core/config.ts';
import { parseFactoryConfig } from '../../src/core/config-file.ts';

const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

/** Dotted paths of every setting in the defaults, maps (prices, perRole) counted as one key. */
function leafPaths(value: unknown, prefix: string, maps: ReadonlySet<string>): string[] {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject || maps.has(prefix)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) =>
    leafPaths(child, prefix === '' ? key : `${prefix}.${key}`, maps),
  );
}

let scratch: string | undefined;
afterEach(async () => {
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('the configuration reference', () => {
  it(`is committed exactly as generated from the schema (else run \`${REGENERATE_COMMAND}\`)`, async () => {
    const committed = await readFile(join(REPO_ROOT, CONFIG_REFERENCE_PATH), 'utf8');
    const generated = await renderCommittedConfigReference(REPO_ROOT);
    expect(
      committed === generated,
      `${CONFIG_REFERENCE_PATH} is out of date: run \`${REGENERATE_COMMAND}\` and commit it`,
    ).toBe(true);
  });

  it('has a row with a type, a default and a meaning for every key of the configuration', () => {
    const rows = renderConfigReference()
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| |`| \|$/g, '')));
    const keys = rows.map(([key]) => key);
    const maps = new Set(['prices', 'budgets.perRole']);

    expect(keys).toEqual(expect.arrayContaining(leafPaths(defaultConfig(), '', maps)));
    expect(keys).toEqual(expect.arrayContaining(['prices.<model>.inputPerMTok']));
    for (const row of rows) {
      expect(row, `row ${row.join(' | ')}`).toHaveLength(4);
      expect(row.every((cell) => cell.trim() !== '')).toBe(true);
    }
  });

  it('shows each default as the parser applies it', () => {
    const reference = renderConfigReference();
    const config = defaultConfig();
    expect(reference).toContain(
      `| \`stageTimeoutMinutes\` | integer > 0 | \`${String(config.stageTimeoutMinutes)}\` |`,
    );
    expect(reference).toContain(
      `| \`requiredChecks\` | list of non-empty strings (at least 1) | \`${JSON.stringify(config.requiredChecks)}\` |`,
    );
    // As YAML lists them: a glob that starts with `*` is quoted.
    const listed = (path: string) => [`\n- ${path}\n`, `\n- "${path}"\n`, `\n- '${path}'\n`];
    for (const path of config.protectedPaths)
      expect(
        listed(path).some((line) => reference.includes(line)),
        path,
      ).toBe(true);
  });
});

describe(`${CONFIG_FILE} as shipped`, () => {
  it('parses, and every value it spells out is the schema default', async () => {
    const text = await readFile(join(REPO_ROOT, CONFIG_FILE), 'utf8');
    expect(parseFactoryConfig(text)).toEqual(defaultConfig());
  });
});

describe('factory docs config', () => {
  const io = () => {
    const lines: string[] = [];
    return { lines, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) } };
  };

  it('with --check, reports a stale reference, names the command to fix it and writes nothing', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'factory-docs-'));
    const { lines, io: sink } = io();

    expect(await runDocsConfig(scratch, { check: true }, sink)).toBe(1);

    expect(lines).toEqual([
      `${CONFIG_REFERENCE_PATH} is out of date: run \`${REGENERATE_COMMAND}\` and commit it.`,
    ]);
    await expect(readFile(join(scratch, CONFIG_REFERENCE_PATH))).rejects.toThrow(/ENOENT/);
  });

  it('writes the reference, after which --check passes', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'factory-docs-'));
    const { lines, io: sink } = io();

    expect(await runDocsConfig(scratch, {}, sink)).toBe(0);
    expect(await runDocsConfig(scratch, { check: true }, sink)).toBe(0);

    expect(lines).toEqual([
      `Wrote ${CONFIG_REFERENCE_PATH}.`,
      `${CONFIG_REFERENCE_PATH} is up to date.`,
    ]);
    expect(await readFile(join(scratch, CONFIG_REFERENCE_PATH), 'utf8')).toBe(
      await renderCommittedConfigReference(scratch),
    );
  });
});

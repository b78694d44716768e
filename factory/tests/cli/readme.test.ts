/**
 * The README's commands are checked against the real command tree, so the docs cannot name a
 * command or a flag that does not exist.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const ROOT_SCRIPTS = Object.keys(
  (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> })
    .scripts,
);

const program = buildProgram(
  { io: { out: () => undefined, err: () => undefined, color: false }, env: {}, cwd: ROOT },
  () => undefined,
);

/** Every `pnpm factory …` (and `scripts/init …`) invocation in the README, as words. */
function factoryInvocations(text: string): string[][] {
  const found = [...text.matchAll(/(?:pnpm factory|scripts\/init)([^`\n#|]*)/g)].map((match) => {
    const words = (match[1] ?? '').trim().split(/\s+/).filter(Boolean);
    return match[0].startsWith('scripts/init') ? ['init', ...words] : words;
  });
  return found.filter((words) => words.length > 0);
}

function resolveCommand(words: readonly string[]): { command: Command; rest: string[] } {
  let command = program;
  let index = 0;
  for (; index < words.length; index += 1) {
    const next = command.commands.find((candidate) => candidate.name() === words[index]);
    if (next === undefined) break;
    command = next as unknown as Command;
  }
  return { command, rest: words.slice(index) };
}

describe('the README', () => {
  const invocations = factoryInvocations(README);

  it('names the factory commands people use', () => {
    expect(invocations.length).toBeGreaterThan(8);
  });

  it.each(invocations.map((words) => [words.join(' '), words] as const))(
    'names a real command with real flags: %s',
    (_label, words) => {
      const { command, rest } = resolveCommand(words);
      expect(command, `"${words.join(' ')}" names no command`).not.toBe(program);
      const flags = command.options.flatMap((option) => [option.long, option.short]);
      for (const word of rest.filter((w) => w.startsWith('-')))
        expect(flags, `${command.name()} has no ${word}`).toContain(word.split('=')[0]);
    },
  );

  it('gives the two commands of the brief: the demo and the tests, each after installing', () => {
    const install = 'npm i -g pnpm@12.4.2 && pnpm install --frozen-lockfile';
    expect(README).toContain(`${install} && pnpm factory demo`);
    expect(README).toContain(`${install} && pnpm test`);
  });

  it('names only pnpm scripts that exist', () => {
    const scripts = [...README.matchAll(/pnpm (?!factory|install|i\b)([a-z:]+)/g)].map((m) => m[1]);
    for (const script of scripts) expect(ROOT_SCRIPTS).toContain(script);
  });
});

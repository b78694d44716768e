/**
 * the SDK's runner starts every tool call of one reply at once. The session's tools take
 * turns in the reply's order instead, so no command changes the tree between a file tool's check of
 * a path and its use of it, and each call sees what the calls before it did.
 */
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { probeSandbox } from '../../src/agent/sandbox.ts';
import { createRoleTools, type ToolContext } from '../../src/agent/tools/index.ts';
import { createProtectedMatcher } from '../../src/agent/workspace-paths.ts';
import { DEFAULT_PROTECTED_PATHS } from '../../src/core/config.ts';

const sandbox = await probeSandbox();
/** Machines without bubblewrap (a laptop) may opt out explicitly; CI installs it and never skips. */
const optedOut = process.env.FACTORY_TEST_WITHOUT_SANDBOX === '1';

/** Swaps `d` for a symlink into `.git` a moment after it starts, as a hostile test could. */
const SWAP = 'sleep 0.4; rm -r d; ln -s .git d; echo swapped > made-by-run.txt';

let scratch: string;
let root: string;
let tools: Map<string, BetaRunnableTool>;

beforeEach(async () => {
  scratch = await realpath(await mkdtemp(path.join(os.tmpdir(), 'tool-turns-')));
  root = path.join(scratch, 'ws');
  await mkdir(path.join(root, '.git'), { recursive: true });
  await writeFile(path.join(root, '.git', 'config'), '[core]\n');
  await mkdir(path.join(root, 'd'));
  await writeFile(path.join(root, 'd', 'config'), 'an ordinary file\n');
  await writeFile(path.join(root, 'swap.sh'), SWAP);
  const context: ToolContext = {
    files: { root, isProtected: createProtectedMatcher(DEFAULT_PROTECTED_PATHS) },
    run: {
      workspace: root,
      allowlist: ['sh swap.sh'],
      timeoutMs: 10_000,
      maxOutputChars: 10_000,
      sandbox,
      remainingMs: () => 60_000,
      onRun: () => undefined,
    },
    submission: { accepted: undefined, rejections: [], ledger: new Map() },
  };
  tools = new Map(createRoleTools('implementer', context, []).map((tool) => [tool.name, tool]));
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Calls the tools as the runner does with one reply's calls: all at once. */
function callAtOnce(...calls: [name: string, input: object][]): Promise<unknown[]> {
  return Promise.all(
    calls.map(async ([name, input]) => {
      const tool = tools.get(name);
      if (tool === undefined) throw new Error(`no tool ${name}`);
      try {
        return await tool.run(input);
      } catch (error) {
        return error;
      }
    }),
  );
}

describe.skipIf(optedOut)('tool calls of one reply (R-11)', () => {
  it('run one after another: a read placed after a command sees what the command wrote', async () => {
    const [, read] = await callAtOnce(
      ['run', { command: 'sh swap.sh' }],
      ['read_file', { path: 'made-by-run.txt' }],
    );
    expect(read).toBe('swapped\n');
  });

  it('never let a command turn a checked path into a way into .git', async () => {
    const [, edit] = await callAtOnce(
      ['run', { command: 'sh swap.sh' }],
      ['write_file', { path: 'd/config', content: '[core]\n\tfsmonitor = planted\n' }],
    );
    expect(String(edit)).toMatch(/inside \.git/);
    expect(await readFile(path.join(root, '.git', 'config'), 'utf8')).toBe('[core]\n');
  });
});

/**
 * A twin forge per test and the command-line dependencies pointed at it: output captured line by
 * line, the token of a chosen person, retries shortened. Everything closes after each test.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { createOctokit, type FactoryOctokit } from '../../src/adapters/github/index.ts';
import type { CliDeps } from '../../src/cli/connection.ts';
import { createForge, isWrite, type Forge, type ForgeOptions } from '../../src/twin/forge/index.ts';
import { stageWorkflowFiles } from '../support/stage-seed.ts';

export const REPO = 'octo-owner/software-factory';

const WORKFLOWS = [
  'plan',
  'plan-review',
  'implementation',
  'implementation-ci',
  'code-review',
  'merge',
  'scheduler',
  'watchdog',
  'ci',
];

export const SEED_FILES: Readonly<Record<string, string>> = {
  'README.md': '# Widgets\n',
  'specs/TEMPLATE.md': '# Title\n',
  'specs/0001-word-count.md': specText('Word count', 'Counts words.'),
  ...stageWorkflowFiles(WORKFLOWS, true),
};

/** A spec that passes lint, with optional front matter. */
export function specText(title: string, goal: string, frontMatter = ''): string {
  const head = frontMatter === '' ? '' : `---\n${frontMatter}\n---\n`;
  return `${head}# ${title}\n\n## Goal\n\n${goal}\n\n## Acceptance criteria\n\n- [ ] \`count("a b")\` returns \`2\`\n`;
}

export interface CapturedIo {
  readonly out: string[];
  readonly err: string[];
}

export interface CliFixture {
  readonly forge: Forge;
  /** Dependencies for a command run as `login` (default `writer`), in `cwd` (default: none). */
  deps(login?: string, extra?: Partial<CliDeps>): CliDeps & { readonly captured: CapturedIo };
  /** Requests that changed something (anything but GET), as `METHOD route`. */
  writes(): string[];
}

const open: Forge[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((forge) => forge.close()));
});

export async function startCliForge(options: Partial<ForgeOptions> = {}): Promise<CliFixture> {
  const forge = await createForge({ seed: { files: SEED_FILES }, ...options });
  open.push(forge);
  return {
    forge,
    deps(login = 'writer', extra = {}) {
      const captured: CapturedIo = { out: [], err: [] };
      return {
        io: {
          out: (line) => captured.out.push(line),
          err: (line) => captured.err.push(line),
          color: false,
        },
        env: { GITHUB_TOKEN: forge.as(login), GITHUB_API_URL: forge.apiUrl },
        cwd: '/',
        retry: { msPerSecond: 2, spaceWrites: false },
        captured,
        ...extra,
      };
    },
    writes: () =>
      forge.requestLog
        .entries()
        .filter(isWrite)
        .map((entry) => entry.route),
  };
}

const checkouts: string[] = [];
afterEach(async () => {
  await Promise.all(checkouts.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A git checkout in a temporary folder holding `files`; removed after the test. */
export async function createCheckout(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'factory-cli-'));
  checkouts.push(dir);
  execFileSync('git', ['init', '--quiet', dir]);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** The factory's Octokit for arranging a forge as `login` (or with a raw token), writes unspaced. */
export function clientFor(forge: Forge, tokenOrLogin: string): FactoryOctokit {
  return createOctokit({
    token: /^gh[ps]_/.test(tokenOrLogin) ? tokenOrLogin : forge.as(tokenOrLogin),
    baseUrl: forge.apiUrl,
    retry: { msPerSecond: 2, spaceWrites: false },
  });
}

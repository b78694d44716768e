/**
 * One chaos run's world: a twin forge over a real bare repository, the real GitHub adapter on a
 * job token (retries shortened), a workbench that clones from the forge as an apply job does, and
 * a clock the run controls — the watchdog judges stalls against it, the forge stamps events with it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clone, tokenAuthHeader } from '../../src/adapters/git/index.ts';
import { createGitHub, createOctokit } from '../../src/adapters/github/index.ts';
import type { GitHubPort } from '../../src/core/ports.ts';
import type { TokenScopes } from '../../src/twin/contract.ts';
import { createForge, type Forge } from '../../src/twin/forge/index.ts';
import type { Workbench } from '../../src/stages/workbench.ts';

const run = promisify(execFile);

export const FACTORY_LOGIN = 'github-actions[bot]';
/** The person who queues specs and moves labels by hand (write permission on the forge). */
export const PERSON = 'writer';

const JOB_SCOPES: TokenScopes = {
  actions: 'write',
  checks: 'write',
  contents: 'write',
  issues: 'write',
  'pull-requests': 'write',
  statuses: 'write',
};

const STAGE_WORKFLOWS = [
  'plan',
  'plan-review',
  'implementation',
  'implementation-ci',
  'code-review',
  'merge',
  'scheduler',
  'watchdog',
] as const;

/** A dispatchable workflow with the inputs every stage takes (the forge checks them on dispatch). */
function stageWorkflow(name: string): string {
  return [
    `name: ${name}`,
    'on:',
    '  workflow_dispatch:',
    '    inputs:',
    '      pr: { required: false }',
    '      expected_head_sha: { required: false }',
    'permissions: {}',
    'jobs:',
    '  run:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo stage',
    '',
  ].join('\n');
}

export const SEED_FILES: Readonly<Record<string, string>> = {
  'package.json': '{ "name": "widgets", "private": true, "type": "module" }\n',
  'src/index.ts': 'export const answer = 42;\n',
  'CLAUDE.md': '# Constitution\n\nKeep it small.\n',
  'specs/README.md': 'Specs live here.\n',
  ...Object.fromEntries(
    STAGE_WORKFLOWS.map((stage) => [`.github/workflows/${stage}.yml`, stageWorkflow(stage)]),
  ),
};

/** A spec that passes lint: one goal, one testable criterion. */
export function specText(title: string, file: string): string {
  return [
    `# ${title}`,
    '',
    '## Goal',
    '',
    `Make ${title.toLowerCase()} possible for every caller of the product.`,
    '',
    '## Acceptance criteria',
    '',
    `- [ ] \`${file}\` exports \`value()\` returning \`42\`, tested in \`tests/value.test.ts\`.`,
    '',
  ].join('\n');
}

/** A clock that only moves when the run moves it. */
export interface VirtualClock {
  now(): Date;
  advanceMinutes(minutes: number): void;
}

function createClock(): VirtualClock {
  let ms = Date.UTC(2026, 0, 1);
  return {
    // Each reading moves a second on, so the forge's timestamps keep their order.
    now: () => new Date((ms += 1_000)),
    advanceMinutes: (minutes) => {
      ms += minutes * 60_000;
    },
  };
}

export interface World {
  readonly forge: Forge;
  readonly github: GitHubPort;
  readonly workbench: Workbench;
  readonly clock: VirtualClock;
  /** A client acting as the person, for label moves by hand. */
  readonly person: ReturnType<typeof createOctokit>;
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly seedSha: string;
  /** Runs git in the forge's bare repository. */
  git(args: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export async function createWorld(faultSeed: number): Promise<World> {
  const clock = createClock();
  const forge = await createForge({ seed: { files: SEED_FILES }, faultSeed, now: clock.now });
  const scratch = await mkdtemp(join(tmpdir(), 'chaos-work-'));
  const { token } = forge.issueJobToken(JOB_SCOPES);
  const octokit = (auth: string) =>
    createOctokit({
      token: auth,
      baseUrl: forge.apiUrl,
      log: quiet,
      retry: { msPerSecond: 2, spaceWrites: false },
    });
  const github = createGitHub({
    octokit: octokit(token),
    repository: { owner: forge.repository.owner, name: forge.repository.name, defaultBranch: 'main' },
    factoryLogins: [FACTORY_LOGIN],
  });
  let checkouts = 0;
  const workbench: Workbench = {
    checkoutHead: (pr) =>
      clone({
        url: forge.gitUrl,
        dir: join(scratch, `checkout-${String((checkouts += 1))}`),
        ref: pr.headSha,
        authHeader: tokenAuthHeader(token),
      }),
  };
  const git = async (args: readonly string[]) =>
    (await run('git', ['--git-dir', forge.gitDir, ...args])).stdout.trim();
  return {
    forge,
    github,
    workbench,
    clock,
    person: octokit(forge.as(PERSON)),
    repo: { owner: forge.repository.owner, repo: forge.repository.name },
    seedSha: await git(['rev-parse', 'refs/heads/main']),
    git,
    async close() {
      await forge.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

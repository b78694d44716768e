/**
 * A twin forge per test, seeded with the line's stage workflows, and the adapter built on it exactly
 * as a stage builds it: `createOctokit` with a job token, retry delays shortened for speed.
 */
import { afterEach } from 'vitest';
import { createForge, type Forge, type ForgeOptions } from '../../../src/twin/forge/index.ts';
import {
  createGitHub,
  createOctokit,
  type FactoryOctokit,
  type GitHubLog,
  type RetryPolicy,
} from '../../../src/adapters/github/index.ts';
import { FACTORY_LOGIN, JOB_SCOPES, stageWorkflow } from '../../support/stage-seed.ts';

export { FACTORY_LOGIN, JOB_SCOPES };
import type { GitHubPort } from '../../../src/core/ports.ts';

export const SEED_FILES: Readonly<Record<string, string>> = {
  'README.md': '# Widgets\n',
  'src/index.ts': 'export const answer = 42;\n',
  '.github/workflows/plan.yml': stageWorkflow('plan'),
  '.github/workflows/scheduler.yml': stageWorkflow('scheduler'),
  '.github/workflows/factory-merge.yml': stageWorkflow('merge'),
};

/** Retries as on GitHub, but a second of waiting lasts two milliseconds. */
export const FAST_RETRY: Partial<RetryPolicy> = {
  msPerSecond: 2,
  spaceWrites: false,
  maxRetries: 4,
};

export interface CapturedLog extends GitHubLog {
  readonly lines: string[];
}

/** A log that keeps every line, so a test can read what the client said and check for leaks. */
export function captureLog(): CapturedLog {
  const lines: string[] = [];
  // Everything a caller passes is kept, so a request object slipping through would show here.
  const keep =
    (level: string) =>
    (...parts: unknown[]) => {
      const text = parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part)));
      lines.push(`${level}: ${text.join(' ')}`);
    };
  return {
    lines,
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
  };
}

export interface AdapterFixture {
  readonly forge: Forge;
  readonly github: GitHubPort;
  readonly token: string;
  readonly log: CapturedLog;
  /** A plain client for arranging and inspecting the forge as `login` (or a raw token). */
  readonly client: (tokenOrLogin: string) => FactoryOctokit;
  readonly repo: { readonly owner: string; readonly repo: string };
}

const open: Forge[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((forge) => forge.close()));
});

export async function startAdapterForge(
  options: Partial<ForgeOptions> & { retry?: Partial<RetryPolicy> } = {},
): Promise<AdapterFixture> {
  const forge = await createForge({ seed: { files: SEED_FILES }, ...options });
  open.push(forge);
  const log = captureLog();
  const { token } = forge.issueJobToken(JOB_SCOPES);
  const client = (tokenOrLogin: string) =>
    createOctokit({
      token: /^gh[ps]_/.test(tokenOrLogin) ? tokenOrLogin : forge.as(tokenOrLogin),
      baseUrl: forge.apiUrl,
      log,
      retry: { ...FAST_RETRY, ...options.retry },
    });
  const github = createGitHub({
    octokit: client(token),
    repository: {
      owner: forge.repository.owner,
      name: forge.repository.name,
      defaultBranch: 'main',
    },
    factoryLogins: [FACTORY_LOGIN],
    workflowFileOf: (stage) => (stage === 'merge' ? 'factory-merge.yml' : `${stage}.yml`),
  });
  const repo = { owner: forge.repository.owner, repo: forge.repository.name };
  return { forge, github, token, log, client, repo };
}

/** Protects main as its owner would: one approval, dismissed as stale when the head moves. */
export async function dismissStaleApprovalsOnMain(fixture: AdapterFixture): Promise<void> {
  await fixture.client('octo-owner').rest.repos.updateBranchProtection({
    ...fixture.repo,
    branch: 'main',
    required_status_checks: null,
    enforce_admins: true,
    required_pull_request_reviews: {
      required_approving_review_count: 1,
      dismiss_stale_reviews: true,
    },
    restrictions: null,
  });
}

/** Opens a PR as `writer` from a fresh branch; returns its number. */
export function openPull(
  forge: Forge,
  branch: string,
  labels: readonly string[] = [],
  files: Readonly<Record<string, string>> = { [`${branch}.txt`]: `${branch}\n` },
): Promise<number> {
  return forge.openPullRequest('writer', { branch, files, title: `Add ${branch}`, labels });
}

/**
 * A PR pushed to once: its first head `old`, its current head `head`, and a way to report a check
 * run on either as an App would.
 */
export async function pullWithTwoHeads(fixture: AdapterFixture) {
  const { forge, github, client, repo } = fixture;
  const pr = await openPull(forge, 'feature');
  const old = (await github.readPullRequest(pr))?.headSha ?? '';
  const head = (await forge.commit('writer', { branch: 'feature', files: { 'b.txt': 'b\n' } })).sha;
  const app = client(forge.issueJobToken(JOB_SCOPES).token);
  const run = (name: string, sha: string, extra: Record<string, string>) =>
    app.rest.checks.create({ ...repo, name, head_sha: sha, ...extra });
  return { pr, old, head, run };
}

/** The adapter for repository `o/r`, talking to a stand-in for GitHub's API served at `baseUrl`. */
export function gitHubAt(baseUrl: string, factoryLogins: readonly string[] = []) {
  return createGitHub({
    octokit: createOctokit({ token: 'ghs_test', baseUrl, log: captureLog(), retry: FAST_RETRY }),
    repository: { owner: 'o', name: 'r', defaultBranch: 'main' },
    factoryLogins,
  });
}

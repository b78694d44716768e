/**
 * Test harness for the runner: a real bare git repository reached through `file://`, and a small
 * in-memory fake of the forge side of the seam (`RunnerHost`) that records what the runner files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type {
  Actor,
  ForgeEvent,
  RunnerHost,
  TokenGrant,
  TokenKind,
  TokenScopes,
  WorkflowRunRecord,
} from '../../../src/twin/contract.ts';
import type { JobRecord, RunRecord } from '../../../src/twin/runner/index.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/**
 * Per-test limit for tests that run real git and bash. They take about a second each; the margin is
 * for the first parse in a worker (the parser loads once) and for a machine busy with other suites.
 */
export const INTEGRATION_TIMEOUT = 30_000;

export const PERSON: Actor = { login: 'octo-person', type: 'User' };
export const BOT: Actor = { login: 'github-actions[bot]', type: 'Bot' };

export interface TestRepo {
  readonly dir: string;
  readonly gitUrl: string;
  /** Writes files (path → content) into a commit on `branch` and pushes it; returns its SHA. */
  readonly commit: (files: Readonly<Record<string, string>>, branch?: string) => string;
  readonly cleanup: () => void;
}

function run(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  }).trim();
}

/** Reads fixture files by name into `.github/workflows/<name>` entries. */
export function workflows(...names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => [`.github/workflows/${name}`, readFileSync(join(FIXTURES, name), 'utf8')]),
  );
}

/** A bare repository with a work tree beside it; every commit is pushed to the bare one. */
export function createTestRepo(): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'runner-test-'));
  const bare = join(dir, 'origin.git');
  const work = join(dir, 'work');
  run(dir, ['init', '--quiet', '--bare', bare]);
  run(dir, ['init', '--quiet', '-b', 'main', work]);
  const commit = (files: Readonly<Record<string, string>>, branch = 'main'): string => {
    const hasCommits = run(work, ['branch', '--list']) !== '';
    if (hasCommits) {
      const exists = run(work, ['branch', '--list', branch]) !== '';
      run(
        work,
        exists ? ['checkout', '--quiet', branch] : ['checkout', '--quiet', '-b', branch, 'main'],
      );
    }
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    run(work, ['add', '-A']);
    run(work, [
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      `commit ${Object.keys(files).join(', ')}`,
    ]);
    run(work, ['push', '--quiet', '--force', bare, `HEAD:refs/heads/${branch}`]);
    return run(work, ['rev-parse', 'HEAD']);
  };
  return {
    dir,
    gitUrl: `file://${bare}`,
    commit,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FakeHost extends RunnerHost {
  readonly emit: (event: ForgeEvent) => void;
  readonly grants: TokenGrant[];
  readonly filed: WorkflowRunRecord[];
  readonly updates: { id: number; status: string; conclusion: string | null }[];
}

/** A fake forge: mints `ghs_…` default tokens, files runs in memory, emits what the test asks. */
export function createFakeHost(gitUrl: string): FakeHost {
  const listeners = new Set<(event: ForgeEvent) => void>();
  const grants: TokenGrant[] = [];
  const filed: WorkflowRunRecord[] = [];
  const updates: FakeHost['updates'] = [];
  return {
    apiUrl: 'http://127.0.0.1:1/api/v3',
    gitUrl,
    repository: { owner: 'acme', name: 'widgets' },
    grants,
    filed,
    updates,
    issueJobToken: (scopes: TokenScopes) => {
      const grant: TokenGrant = {
        token: `ghs_job${grants.length + 1}x${Math.random().toString(36).slice(2, 10)}`,
        actor: BOT,
        kind: 'default-token',
        scopes,
      };
      grants.push(grant);
      return grant;
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    createRun: (run) => {
      const now = new Date().toISOString();
      const record: WorkflowRunRecord = {
        ...run,
        id: 1000 + filed.length,
        createdAt: now,
        updatedAt: now,
      };
      filed.push(record);
      return record;
    },
    updateRun: (id, patch) => {
      updates.push({ id, ...patch });
      const index = filed.findIndex((record) => record.id === id);
      const record = filed[index];
      if (record === undefined) throw new Error(`no run ${id}`);
      filed[index] = { ...record, ...patch, updatedAt: new Date().toISOString() };
      return filed[index];
    },
    emit: (event) => {
      listeners.forEach((listener) => {
        listener(event);
      });
    },
  };
}

export function pullRequestEvent(options: {
  action: string;
  sha: string;
  tokenKind: TokenKind;
  base?: string;
  head?: string;
  number?: number;
  actor?: Actor;
  /** The owner of the fork the head branch lives in; by default the branch is the repository's. */
  fork?: string;
  /** The base branch's tip, which `paths:` filters diff the head against. */
  baseSha?: string;
}): ForgeEvent {
  const base = options.base ?? 'main';
  const head = options.head ?? 'feature';
  const repo = (owner: string) => ({ full_name: `${owner}/software-factory` });
  return {
    name: 'pull_request',
    action: options.action,
    payload: {
      action: options.action,
      number: options.number ?? 7,
      pull_request: {
        number: options.number ?? 7,
        head: { ref: head, sha: options.sha, repo: repo(options.fork ?? 'octo-owner') },
        base: {
          ref: base,
          repo: repo('octo-owner'),
          ...(options.baseSha === undefined ? {} : { sha: options.baseSha }),
        },
      },
      label: { name: 'state:plan' },
    },
    actor: options.actor ?? (options.tokenKind === 'default-token' ? BOT : PERSON),
    tokenKind: options.tokenKind,
    ref: `refs/heads/${head}`,
    sha: options.sha,
  };
}

export function dispatchEvent(options: {
  workflow: string;
  sha: string;
  tokenKind: TokenKind;
  inputs?: Record<string, unknown>;
  branch?: string;
}): ForgeEvent {
  const branch = options.branch ?? 'main';
  return {
    name: 'workflow_dispatch',
    payload: {
      workflow: `.github/workflows/${options.workflow}`,
      ref: `refs/heads/${branch}`,
      inputs: options.inputs ?? {},
    },
    actor: options.tokenKind === 'default-token' ? BOT : PERSON,
    tokenKind: options.tokenKind,
    ref: `refs/heads/${branch}`,
    sha: options.sha,
  };
}

/**
 * The fixture local actions as `.github/actions/<name>/<file>` entries. Script files carry a
 * `.fixture` suffix in this repository so the linters leave them alone; the suffix is dropped.
 */
export function localActions(): Record<string, string> {
  const root = join(import.meta.dirname, 'actions');
  const files: Record<string, string> = {};
  for (const name of readdirSync(root)) {
    for (const file of readdirSync(join(root, name)))
      files[`.github/actions/${name}/${file.replace(/\.fixture$/, '')}`] = readFileSync(
        join(root, name, file),
        'utf8',
      );
  }
  return files;
}

/** Every log line of every step of a run's job, joined. */
export function jobLog(run: RunRecord | undefined, jobKey: string): string {
  const job = run?.jobs.find((candidate) => candidate.key === jobKey);
  if (job === undefined) throw new Error(`no job ${jobKey}`);
  return job.steps.map((step) => step.log).join('\n');
}

export function findJob(run: RunRecord | undefined, jobKey: string): JobRecord {
  const job = run?.jobs.find((candidate) => candidate.key === jobKey);
  if (job === undefined) throw new Error(`no job ${jobKey}`);
  return job;
}

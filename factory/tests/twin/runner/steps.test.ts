import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../../../src/twin/runner/index.ts';
import type { RunRecord, Runner } from '../../../src/twin/runner/index.ts';
import {
  createFakeHost,
  createTestRepo,
  dispatchEvent,
  findJob,
  workflows,
  INTEGRATION_TIMEOUT,
} from './harness.ts';
import type { FakeHost, TestRepo } from './harness.ts';

const CANARY = 'canary-8f3a1c-parent-environment';
const API_KEY = 'sk-test-secret-0123456789';

let repo: TestRepo;
let sha: string;
let host: FakeHost;
let runner: Runner | undefined;

beforeAll(() => {
  repo = createTestRepo();
  sha = repo.commit(workflows('environment.yml', 'secrets.yml'));
});
afterAll(() => {
  repo.cleanup();
});
afterEach(async () => {
  await runner?.close();
  delete process.env.TWIN_RUNNER_CANARY;
});

async function dispatch(workflow: string): Promise<RunRecord> {
  host = createFakeHost(repo.gitUrl);
  runner = createRunner(host, { secrets: { API_KEY } });
  await runner.handle(dispatchEvent({ workflow, sha, tokenKind: 'user' }));
  await runner.idle();
  const [run] = runner.runs();
  if (run === undefined) throw new Error(`no run: ${JSON.stringify(runner.problems())}`);
  return run;
}

describe('the environment a step gets', { timeout: INTEGRATION_TIMEOUT }, () => {
  it("never contains the parent process's variables", async () => {
    process.env.TWIN_RUNNER_CANARY = CANARY;
    const run = await dispatch('environment.yml');
    const dump = findJob(run, 'show').steps[0]?.log ?? '';
    expect(dump).toContain('GITHUB_ACTIONS=true');
    expect(dump).not.toContain(CANARY);
    expect(dump).not.toContain('TWIN_RUNNER_CANARY');
    const names = dump
      .split('\n')
      .map((line) => line.split('=')[0] ?? '')
      .filter((name) => /^[A-Z_]+$/.test(name));
    const allowed =
      /^(GITHUB_|RUNNER_|CI$|PATH$|HOME$|LEVEL$|WORKFLOW_ONLY$|PWD$|SHLVL$|_$|OLDPWD$)/;
    expect(names.filter((name) => !allowed.test(name))).toEqual([]);
  });

  it('provides the variables Actions sets, and no GITHUB_TOKEN unless env: passes it', async () => {
    const run = await dispatch('environment.yml');
    const dump = findJob(run, 'show').steps[0]?.log ?? '';
    const env = Object.fromEntries(
      dump
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      CI: 'true',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_API_URL: host.apiUrl,
      GITHUB_SERVER_URL: 'http://127.0.0.1:1',
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SHA: sha,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_RUN_ID: String(run.id),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'Environment',
      GITHUB_JOB: 'show',
      GITHUB_ACTOR: 'octo-person',
      RUNNER_OS: 'Linux',
      LEVEL: 'job',
      WORKFLOW_ONLY: 'from-workflow',
    });
    for (const name of [
      'GITHUB_EVENT_PATH',
      'GITHUB_WORKSPACE',
      'GITHUB_OUTPUT',
      'GITHUB_ENV',
      'GITHUB_STEP_SUMMARY',
      'RUNNER_TEMP',
    ]) {
      expect(env[name], name).toMatch(/^\//);
    }
    expect(env.GITHUB_TOKEN).toBeUndefined();
    expect(findJob(run, 'show').steps[2]?.log).toContain('token=unset');
  });

  it('layers env: workflow < job < $GITHUB_ENV < step, honours working-directory, and records the summary', async () => {
    const run = await dispatch('environment.yml');
    const show = findJob(run, 'show');
    expect(show.steps[2]?.log).toContain(
      'level=step workflow=from-workflow exported=from-github-env pwd=sub',
    );
    expect(show.summary).toBe('## Summary for show\n');
    expect(show.steps[0]?.name).toBe('Dump the environment');
  });

  it('continue-on-error keeps the job green with outcome failure and conclusion success', async () => {
    const run = await dispatch('environment.yml');
    const show = findJob(run, 'show');
    expect(show.steps.slice(3).map((step) => [step.outcome, step.conclusion])).toEqual([
      ['failure', 'success'],
      ['success', 'success'],
      ['skipped', 'skipped'],
    ]);
    expect(show.steps[4]?.log).toContain('continued after failure');
    expect([show.conclusion, run.conclusion]).toEqual(['success', 'success']);
  });
});

describe('secrets and the job token', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('masks secrets, the job token and ::add-mask:: values in every recorded log', async () => {
    const run = await dispatch('secrets.yml');
    const job = findJob(run, 'leak-attempts');
    const log = job.steps.map((step) => step.log).join('\n');
    const token = host.grants[0]?.token ?? 'no token';
    expect(job.conclusion).toBe('success');
    expect(log).toContain('key: ***');
    expect(log).toContain('inline: ***');
    expect(log).toContain('token: ***');
    expect(log).toContain('token and github.token agree');
    expect(log).toContain('dynamic: ***');
    expect(log).not.toContain(API_KEY);
    expect(log).not.toContain(token);
    expect(log).not.toContain('dynamic-value-42');
    expect(log).not.toContain('::add-mask::');
    expect(JSON.stringify(runner?.runs())).not.toContain(API_KEY);
    expect(job.token?.scopes).toEqual({ issues: 'write' });
  });
});

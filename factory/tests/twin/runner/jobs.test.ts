import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../../../src/twin/runner/index.ts';
import type { RunRecord, Runner } from '../../../src/twin/runner/index.ts';
import {
  createFakeHost,
  createTestRepo,
  dispatchEvent,
  findJob,
  jobLog,
  workflows,
  INTEGRATION_TIMEOUT,
} from './harness.ts';
import type { FakeHost, TestRepo } from './harness.ts';

let repo: TestRepo;
let sha: string;
let host: FakeHost;
let runner: Runner | undefined;

beforeAll(() => {
  repo = createTestRepo();
  sha = repo.commit(workflows('needs.yml', 'outputs.yml', 'permissions.yml', 'timeout.yml'));
});
afterAll(() => {
  repo.cleanup();
});
afterEach(async () => {
  await runner?.close();
});

/** A killed process may linger as a zombie until it is reaped; that counts as not running. */
function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  return !readFileSync(stat, 'utf8').includes(') Z ');
}

async function dispatch(workflow: string, vars: Record<string, string> = {}): Promise<RunRecord> {
  host = createFakeHost(repo.gitUrl);
  runner = createRunner(host, { vars, maxParallelJobs: 1 });
  await runner.handle(dispatchEvent({ workflow, sha, tokenKind: 'user' }));
  await runner.idle();
  const [run] = runner.runs();
  if (run === undefined) throw new Error(`no run: ${JSON.stringify(runner.problems())}`);
  return run;
}

describe('needs, if: and job outputs', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('skips dependants of a failed job unless their if: says always() or failure()', async () => {
    const run = await dispatch('needs.yml');
    const conclusions = Object.fromEntries(run.jobs.map((job) => [job.key, job.conclusion]));
    expect(conclusions).toEqual({
      build: 'failure',
      report: 'success',
      deploy: 'skipped',
      'on-failure': 'success',
      'after-deploy': 'success',
    });
    expect(run.conclusion).toBe('failure');
    expect(jobLog(run, 'report')).toContain('build was failure');
    expect(jobLog(run, 'after-deploy')).toContain('deploy skipped, report success');
    const build = findJob(run, 'build');
    expect(build.steps.map((step) => step.conclusion)).toEqual(['success', 'failure', 'skipped']);
    expect(build.steps[1]?.log).toContain('exit code 3');
    expect(findJob(run, 'deploy').steps).toEqual([]);
  });

  it('orders jobs by needs: and passes their outputs, multi-line ones included', async () => {
    const run = await dispatch('outputs.yml');
    expect(run.conclusion).toBe('success');
    expect(findJob(run, 'produce').outputs).toEqual({
      verdict: 'APPROVE',
      notes: 'line one\nline two',
    });
    expect(jobLog(run, 'consume')).toContain('verdict is APPROVE');
    expect(jobLog(run, 'consume')).toContain('notes: line one\nline two');
    const produced = findJob(run, 'produce').completedAt ?? '';
    expect(produced <= (findJob(run, 'consume').startedAt ?? '')).toBe(true);
  });
});

describe('permissions: decide the job token', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('mints each job a default token scoped by its permissions:, job-level replacing workflow-level', async () => {
    const run = await dispatch('permissions.yml');
    const scopes = Object.fromEntries(run.jobs.map((job) => [job.key, job.token?.scopes]));
    expect(scopes).toEqual({
      inherits: { contents: 'read' },
      writes: { contents: 'write', 'pull-requests': 'write', actions: 'write' },
      nothing: {},
      'everything-read': {
        actions: 'read',
        checks: 'read',
        contents: 'read',
        issues: 'read',
        'pull-requests': 'read',
        statuses: 'read',
      },
    });
    expect(run.jobs.every((job) => job.token?.kind === 'default-token')).toBe(true);
    expect(host.grants.map((grant) => grant.scopes)).toEqual(Object.values(scopes));
  });
});

describe('timeout-minutes', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('kills the whole process tree of a job (or a step) that runs too long; the job concludes timed_out', async () => {
    const pidFile = join(repo.dir, 'sleep.pid');
    rmSync(pidFile, { force: true });
    const started = Date.now();
    const run = await dispatch('timeout.yml', { PID_FILE: pidFile });
    expect(Date.now() - started).toBeLessThan(20_000);
    const slow = findJob(run, 'slow');
    expect(slow.conclusion).toBe('timed_out');
    expect(slow.error).toMatch(/exceeded the maximum execution time of 0.02 minutes/);
    expect(slow.steps.map((step) => step.conclusion)).toEqual(['cancelled', 'skipped']);
    expect(jobLog(run, 'slow')).toContain('started');
    expect(jobLog(run, 'slow')).not.toContain('finished');
    const fast = findJob(run, 'fast');
    expect(fast.steps.map((step) => [step.outcome, step.conclusion])).toEqual([
      ['failure', 'success'],
      ['success', 'success'],
    ]);
    expect(fast.conclusion).toBe('success');
    expect(run.conclusion).toBe('timed_out');
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(sleeper)).toBe(false);
  });
});

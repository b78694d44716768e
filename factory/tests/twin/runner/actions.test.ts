import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  localActions,
  workflows,
  INTEGRATION_TIMEOUT,
} from './harness.ts';
import type { FakeHost, TestRepo } from './harness.ts';

let repo: TestRepo;
let first: string;
let sha: string;
let host: FakeHost;
let runner: Runner | undefined;

beforeAll(() => {
  repo = createTestRepo();
  first = repo.commit({ 'version.txt': 'one\n' });
  sha = repo.commit({
    ...workflows('artifacts.yml', 'local-actions.yml', 'unknown-uses.yml', 'checkout.yml'),
    ...localActions(),
    'version.txt': 'two\n',
  });
});
afterAll(() => {
  repo.cleanup();
});
afterEach(async () => {
  await runner?.close();
});

async function dispatch(
  workflow: string,
  inputs: Record<string, string> = {},
  nodePath?: string,
): Promise<RunRecord> {
  host = createFakeHost(repo.gitUrl);
  runner = createRunner(host, {
    maxParallelJobs: 1,
    ...(nodePath === undefined ? {} : { nodePath }),
  });
  await runner.handle(dispatchEvent({ workflow, sha, tokenKind: 'user', inputs }));
  await runner.idle();
  const [run] = runner.runs();
  if (run === undefined) throw new Error(`no run: ${JSON.stringify(runner.problems())}`);
  return run;
}

describe('uses: built-in equivalents', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('passes artifacts between jobs of a run; a second upload of a name fails unless overwrite', async () => {
    const run = await dispatch('artifacts.yml');
    expect(run.jobs.map((job) => [job.key, job.conclusion])).toEqual([
      ['upload', 'success'],
      ['download', 'success'],
    ]);
    const upload = findJob(run, 'upload');
    expect(upload.steps[2]?.outcome).toBe('failure');
    expect(upload.steps[2]?.log).toContain('an artifact with this name already exists');
    expect(upload.steps[3]?.log).toContain('second upload failure');
    expect(jobLog(run, 'download')).toContain('result from upload');
    expect(jobLog(run, 'download')).toContain('overwritten artifact has one file');
    expect(run.artifacts).toEqual(['bundle']);
  });

  it('checks out an exact SHA shallow without credentials, or full history into a path with them (masked)', async () => {
    const run = await dispatch('checkout.yml', { sha: first });
    const exact = jobLog(run, 'exact');
    expect(findJob(run, 'exact').conclusion).toBe('success');
    expect(exact).toContain(`head ${first}`);
    expect(exact).toContain('depth 1');
    expect(exact).toContain('version one');
    expect(exact).toContain('header []');
    const full = jobLog(run, 'full');
    expect(findJob(run, 'full').conclusion).toBe('success');
    expect(full).toContain('depth 2');
    expect(full).toContain('persisted AUTHORIZATION: basic');
    expect(full).not.toContain(host.grants[1]?.token ?? 'no token');
  });

  it('fails a job with an unsupported uses: before any step runs, naming what is supported', async () => {
    const run = await dispatch('unknown-uses.yml');
    const job = findJob(run, 'marketplace');
    expect(job.conclusion).toBe('failure');
    expect(job.steps).toEqual([]);
    expect(job.error).toContain("Unsupported action 'some-owner/some-action@v1'");
    expect(job.error).toContain(
      'actions/checkout, actions/setup-node, pnpm/action-setup, actions/upload-artifact, actions/download-artifact',
    );
    expect(job.error).toContain('local actions');
  });
});

describe('uses: local actions', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('runs a composite and a node action from the checkout, with inputs, defaults and outputs', async () => {
    const run = await dispatch('local-actions.yml');
    const job = findJob(run, 'use');
    expect(job.conclusion).toBe('success');
    const log = jobLog(run, 'use');
    expect(log).toContain('action path ends with greet');
    expect(log).toContain('node action got "hello node" feeling cheerful');
    expect(log).toContain('composite said: hello composite!');
    expect(log).toContain('node said: hello node (cheerful)');
    expect(log).toContain('exported: yes');
    expect(job.steps.map((step) => step.name)).toEqual([
      'Run actions/checkout@v4',
      'Run ./.github/actions/greet',
      'Run ./.github/actions/node-echo',
      'Run echo "composite said: hello composite!"',
      `Run node -e "console.log('a run step on node ' + process.version)"`,
    ]);
    expect(log).toContain(`a run step on node ${process.version}`);
  });

  it('runs node actions on the Node it is given (run: steps keep its own), and records when each step process started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-node-'));
    const calls = join(dir, 'calls');
    const node = join(dir, 'node');
    writeFileSync(node, `#!/bin/sh\necho "$@" >> "${calls}"\nexec "${process.execPath}" "$@"\n`);
    chmodSync(node, 0o755);

    const run = await dispatch('local-actions.yml', {}, node);

    const job = findJob(run, 'use');
    expect(job.conclusion).toBe('success');
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      expect.stringMatching(/\.github\/actions\/node-echo\/index\.cjs$/),
    ]);
    const started = Object.fromEntries(job.steps.map((step) => [step.name, step]));
    expect(started['Run actions/checkout@v4']?.processStartedAt).toBeNull();
    for (const name of [
      'Run ./.github/actions/node-echo',
      'Run echo "composite said: hello composite!"',
    ]) {
      const step = started[name];
      const spawned = Date.parse(step?.processStartedAt ?? '');
      expect(spawned).toBeGreaterThanOrEqual(Date.parse(step?.startedAt ?? ''));
      expect(spawned).toBeLessThanOrEqual(Date.parse(step?.completedAt ?? ''));
    }
  });
});

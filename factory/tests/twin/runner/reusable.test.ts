import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../../../src/twin/runner/index.ts';
import type { Runner } from '../../../src/twin/runner/index.ts';
import {
  createFakeHost,
  createTestRepo,
  dispatchEvent,
  findJob,
  jobLog,
  workflows,
  INTEGRATION_TIMEOUT,
} from './harness.ts';
import type { TestRepo } from './harness.ts';

let repo: TestRepo;
let runner: Runner | undefined;

beforeAll(() => {
  repo = createTestRepo();
});
afterAll(() => {
  repo.cleanup();
});
afterEach(async () => {
  await runner?.close();
});

describe('reusable workflows (workflow_call)', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('runs the called jobs as "<caller> / <called>" with inputs, inherited secrets, narrowed scopes and outputs', async () => {
    const sha = repo.commit(workflows('caller.yml', 'reusable-ci.yml'));
    runner = createRunner(createFakeHost(repo.gitUrl), {
      secrets: { API_KEY: 'sk-reusable-secret' },
      maxParallelJobs: 1,
    });
    await runner.handle(dispatchEvent({ workflow: 'caller.yml', sha, tokenKind: 'user' }));
    await runner.idle();
    const runs = runner.runs();
    expect(runs.map((run) => run.name)).toEqual(['Gate']);
    const [run] = runs;
    expect(run?.jobs.map((job) => [job.key, job.name, job.conclusion])).toEqual([
      ['prepare', 'prepare', 'success'],
      ['ci', 'ci', 'success'],
      ['ci/test', 'ci / Test', 'success'],
      ['report', 'report', 'success'],
    ]);
    expect(jobLog(run, 'ci/test')).toContain('testing head-42 strict=true key=***');
    expect(findJob(run, 'ci/test').token?.scopes).toEqual({ contents: 'read', statuses: 'write' });
    expect(findJob(run, 'ci').outputs).toEqual({ summary: 'green-head-42' });
    expect(jobLog(run, 'report')).toContain('ci said green-head-42 (success)');
  });

  it('fails the caller job with a reason when the called file is not reusable', async () => {
    const sha = repo.commit({
      ...workflows('caller.yml'),
      '.github/workflows/reusable-ci.yml':
        'name: Not reusable\non: workflow_dispatch\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo x\n',
    });
    runner = createRunner(createFakeHost(repo.gitUrl), { maxParallelJobs: 1 });
    await runner.handle(dispatchEvent({ workflow: 'caller.yml', sha, tokenKind: 'user' }));
    await runner.idle();
    const [run] = runner.runs();
    expect(findJob(run, 'ci').conclusion).toBe('failure');
    expect(findJob(run, 'ci').error).toContain(
      'is not a reusable workflow: it has no on.workflow_call',
    );
    expect(findJob(run, 'report').conclusion).toBe('skipped');
    expect(run?.conclusion).toBe('failure');
  });

  it("stops a workflow that calls itself at GitHub's nesting limit", async () => {
    const loop = [
      'name: Loop',
      'on:',
      '  workflow_dispatch:',
      '  workflow_call:',
      'jobs:',
      '  again:',
      '    uses: ./.github/workflows/loop.yml',
      '',
    ].join('\n');
    const sha = repo.commit({ '.github/workflows/loop.yml': loop });
    runner = createRunner(createFakeHost(repo.gitUrl), { maxParallelJobs: 1 });
    await runner.handle(dispatchEvent({ workflow: 'loop.yml', sha, tokenKind: 'user' }));
    await runner.idle();
    const [run] = runner.runs();
    expect(run?.jobs.map((job) => [job.key, job.conclusion])).toEqual([
      ['again', 'failure'],
      ['again/again', 'failure'],
      ['again/again/again', 'failure'],
      ['again/again/again/again', 'failure'],
    ]);
    expect(findJob(run, 'again/again/again/again').error).toContain('nest deeper than 4 levels');
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../../../src/twin/runner/index.ts';
import type { Runner } from '../../../src/twin/runner/index.ts';
import {
  createFakeHost,
  createTestRepo,
  dispatchEvent,
  pullRequestEvent,
  workflows,
  INTEGRATION_TIMEOUT,
} from './harness.ts';
import type { FakeHost, TestRepo } from './harness.ts';

let repo: TestRepo;
let sha: string;
let host: FakeHost;
let runner: Runner;

beforeAll(() => {
  repo = createTestRepo();
  sha = repo.commit(
    workflows('labeled.yml', 'dispatch.yml', 'pr-checks.yml', 'release-only.yml', 'schedule.yml'),
  );
});
afterAll(() => {
  repo.cleanup();
});

function start(): void {
  host = createFakeHost(repo.gitUrl);
  runner = createRunner(host);
}
afterEach(async () => {
  await runner.close();
});

describe(
  'GitHub trigger rules for events caused by the default token (R-01)',
  { timeout: INTEGRATION_TIMEOUT },
  () => {
    it('R-01: a label set with the default token starts no workflow', async () => {
      start();
      host.emit(pullRequestEvent({ action: 'labeled', sha, tokenKind: 'default-token' }));
      await runner.idle();
      expect(runner.runs()).toEqual([]);
      expect(host.filed).toEqual([]);
      expect(host.grants).toEqual([]);
    });

    it("R-01: a person's label starts the labeled workflow, and only it", async () => {
      start();
      host.emit(pullRequestEvent({ action: 'labeled', sha, tokenKind: 'user' }));
      await runner.idle();
      const runs = runner.runs();
      expect(runs.map((run) => [run.name, run.conclusion, run.triggeredBy])).toEqual([
        ['Labeled', 'success', 'user'],
      ]);
      expect(runs[0]?.jobs[0]?.steps[0]?.log).toContain('label state:plan on main');
      expect(host.filed.map((run) => [run.path, run.status])).toEqual([
        ['.github/workflows/labeled.yml', 'completed'],
      ]);
    });

    it('an App token label triggers like a person', async () => {
      start();
      host.emit(pullRequestEvent({ action: 'labeled', sha, tokenKind: 'app' }));
      await runner.idle();
      expect(runner.runs().map((run) => run.name)).toEqual(['Labeled']);
    });

    it('R-01: a dispatch made with the default token runs the workflow it names, with its inputs', async () => {
      start();
      const created = await runner.handle(
        dispatchEvent({
          workflow: 'dispatch.yml',
          sha,
          tokenKind: 'default-token',
          inputs: { pr: '12' },
        }),
      );
      await runner.idle();
      expect(created.map((run) => run.name)).toEqual(['Dispatch']);
      const [run] = runner.runs();
      expect(run?.conclusion).toBe('success');
      expect(run?.inputs).toEqual({ pr: '12', dry: true });
      expect(run?.jobs[0]?.steps[0]?.log).toContain('pr=12 dry=true');
      expect(run?.jobs[0]?.outputs).toEqual({});
    });

    it('refuses a dispatch that lacks a required input, creating no run', async () => {
      start();
      await runner.handle(
        dispatchEvent({ workflow: 'dispatch.yml', sha, tokenKind: 'user', inputs: {} }),
      );
      await runner.handle(
        dispatchEvent({
          workflow: 'dispatch.yml',
          sha,
          tokenKind: 'user',
          inputs: { pr: '1', extra: 'x' },
        }),
      );
      await runner.idle();
      expect(runner.runs()).toEqual([]);
      expect(host.filed).toEqual([]);
      expect(runner.problems().map((problem) => problem.message)).toEqual([
        "Required input 'pr' not provided",
        'Unexpected inputs provided: ["extra"]',
      ]);
    });

    it('R-01: a default-token synchronize creates an action_required run that starts only when a person approves it', async () => {
      start();
      const [held] = await runner.handle(
        pullRequestEvent({ action: 'synchronize', sha, tokenKind: 'default-token' }),
      );
      await runner.idle();
      expect(held?.status).toBe('action_required');
      expect(runner.runs().map((run) => [run.name, run.status, run.conclusion])).toEqual([
        ['PR checks', 'action_required', null],
      ]);
      expect(host.grants).toEqual([]);
      expect(host.filed[0]?.status).toBe('action_required');
      runner.approve(held?.id ?? 0);
      await runner.idle();
      const [run] = runner.runs();
      expect([run?.status, run?.conclusion]).toEqual(['completed', 'success']);
      expect(run?.jobs[0]?.steps[0]?.log).toContain('checking feature into main');
      expect(() => {
        runner.approve(held?.id ?? 0);
      }).toThrow(/not waiting for approval/);
    });

    it("a person's synchronize runs at once", async () => {
      start();
      host.emit(pullRequestEvent({ action: 'synchronize', sha, tokenKind: 'user' }));
      await runner.idle();
      expect(runner.runs().map((run) => [run.name, run.status])).toEqual([
        ['PR checks', 'completed'],
      ]);
    });
  },
);

describe('on: filters', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('starts only workflows whose types list the action', async () => {
    start();
    host.emit(pullRequestEvent({ action: 'unlabeled', sha, tokenKind: 'user' }));
    host.emit(pullRequestEvent({ action: 'opened', sha, tokenKind: 'user' }));
    await runner.idle();
    expect(runner.runs().map((run) => [run.name, run.action])).toEqual([['PR checks', 'opened']]);
  });

  it('matches branch filters against the base branch, with globs and negations', async () => {
    start();
    host.emit(
      pullRequestEvent({ action: 'labeled', sha, tokenKind: 'user', base: 'release/2026-11' }),
    );
    host.emit(
      pullRequestEvent({ action: 'labeled', sha, tokenKind: 'user', base: 'release/old-1' }),
    );
    host.emit(pullRequestEvent({ action: 'labeled', sha, tokenKind: 'user', base: 'develop' }));
    await runner.idle();
    expect(runner.runs().map((run) => run.name)).toEqual(['Release only']);
  });

  it('runs schedule only on the default branch', async () => {
    start();
    const onFeature = repo.commit({ 'note.txt': 'feature' }, 'feature');
    const schedule = (branch: string, at: string) => ({
      name: 'schedule' as const,
      payload: { schedule: '*/5 * * * *' },
      actor: { login: 'octo-person', type: 'User' as const },
      tokenKind: 'user' as const,
      ref: `refs/heads/${branch}`,
      sha: at,
    });
    host.emit(schedule('feature', onFeature));
    host.emit(schedule('main', sha));
    await runner.idle();
    expect(runner.runs().map((run) => [run.name, run.headBranch])).toEqual([['Nightly', 'main']]);
  });

  it('takes the workflow file from the ref it was dispatched on', async () => {
    start();
    const changed = repo.commit(
      {
        '.github/workflows/dispatch.yml':
          workflows('dispatch.yml')['.github/workflows/dispatch.yml']?.replace(
            'name: Dispatch',
            'name: Dispatch from branch',
          ) ?? '',
      },
      'edit-workflow',
    );
    await runner.handle(
      dispatchEvent({
        workflow: 'dispatch.yml',
        sha: changed,
        tokenKind: 'user',
        inputs: { pr: '3' },
        branch: 'edit-workflow',
      }),
    );
    await runner.handle(
      dispatchEvent({ workflow: 'dispatch.yml', sha, tokenKind: 'user', inputs: { pr: '3' } }),
    );
    await runner.idle();
    expect(runner.runs().map((run) => [run.name, run.headBranch])).toEqual([
      ['Dispatch from branch', 'edit-workflow'],
      ['Dispatch', 'main'],
    ]);
  });
});

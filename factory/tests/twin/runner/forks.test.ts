import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ForgeEvent } from '../../../src/twin/contract.ts';
import { createRunner } from '../../../src/twin/runner/index.ts';
import type { Runner } from '../../../src/twin/runner/index.ts';
import {
  createFakeHost,
  createTestRepo,
  pullRequestEvent,
  workflows,
  INTEGRATION_TIMEOUT,
  type FakeHost,
  type TestRepo,
} from './harness.ts';

const API_KEY = 'sk-test-secret-0123456789';

let repo: TestRepo;
let sha: string;
let host: FakeHost;
let runner: Runner;

beforeAll(() => {
  repo = createTestRepo();
  sha = repo.commit(workflows('fork-pr.yml'));
});
afterAll(() => {
  repo.cleanup();
});
afterEach(async () => {
  await runner.close();
});

/** Delivers `event`, approves what waits for approval, and returns each run's event, log and token. */
async function deliver(event: ForgeEvent) {
  host = createFakeHost(repo.gitUrl);
  runner = createRunner(host, { secrets: { API_KEY } });
  for (const run of await runner.handle(event))
    if (run.status === 'action_required') runner.approve(run.id);
  await runner.idle();
  return runner.runs().map((run) => ({
    event: run.event,
    log: run.jobs[0]?.steps[0]?.log ?? '',
    scopes: run.jobs[0]?.token?.scopes,
  }));
}

/** A PR opened from `fork`'s fork, or from a branch of the repository itself. */
const opened = (fork?: string) =>
  pullRequestEvent({
    action: 'opened',
    sha,
    tokenKind: 'user',
    ...(fork === undefined ? {} : { fork }),
  });

describe('a pull request from a fork', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('holds its pull_request runs for a maintainer’s approval; pull_request_target runs at once', async () => {
    host = createFakeHost(repo.gitUrl);
    runner = createRunner(host, { secrets: { API_KEY } });

    const created = await runner.handle(opened('mallory'));
    await runner.idle();

    expect(created.map((run) => [run.event, run.status === 'action_required'])).toEqual([
      ['pull_request', true],
      ['pull_request_target', false],
    ]);
    expect(runner.runs().map((run) => [run.event, run.status])).toEqual([
      ['pull_request', 'action_required'],
      ['pull_request_target', 'completed'],
    ]);
  });

  it('runs its pull_request workflows without secrets and with a token that only reads', async () => {
    const [pullRequest] = await deliver(opened('mallory'));

    expect(pullRequest?.event).toBe('pull_request');
    expect(pullRequest?.log).toContain('pull_request sees a key of 0 characters');
    expect(pullRequest?.scopes).toEqual({ contents: 'read', 'pull-requests': 'read' });
  });

  it('runs pull_request_target in the base repository’s context: secrets and write access, which is why the line refuses forks itself (R-12)', async () => {
    const target = (await deliver(opened('mallory'))).find(
      (run) => run.event === 'pull_request_target',
    );

    expect(target?.log).toContain(
      `pull_request_target sees a key of ${String(API_KEY.length)} characters`,
    );
    expect(target?.scopes).toEqual({ contents: 'write', 'pull-requests': 'write' });
  });

  it('runs a review of it without secrets and with a token that only reads, like its pull_request', async () => {
    const review: ForgeEvent = {
      ...opened('mallory'),
      name: 'pull_request_review',
      action: 'submitted',
    };

    const [run] = await deliver(review);

    expect(run?.event).toBe('pull_request_review');
    expect(run?.log).toContain('pull_request_review sees a key of 0 characters');
    expect(run?.scopes).toEqual({ contents: 'read', 'pull-requests': 'read' });
  });

  it('gives a branch of the repository itself its secrets and the access it asks for', async () => {
    const [pullRequest] = await deliver(opened());

    expect(pullRequest?.event).toBe('pull_request');
    expect(pullRequest?.log).toContain(
      `pull_request sees a key of ${String(API_KEY.length)} characters`,
    );
    expect(pullRequest?.scopes).toEqual({ contents: 'write', 'pull-requests': 'write' });
  });
});

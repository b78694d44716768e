import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

/** Opens a PR (from `fork`'s fork, when given) and returns each run's event, log and token. */
async function open(fork?: string) {
  host = createFakeHost(repo.gitUrl);
  runner = createRunner(host, { secrets: { API_KEY } });
  const event = pullRequestEvent({ action: 'opened', sha, tokenKind: 'user' });
  await runner.handle(
    fork === undefined
      ? event
      : pullRequestEvent({ action: 'opened', sha, tokenKind: 'user', fork }),
  );
  await runner.idle();
  return runner.runs().map((run) => ({
    event: run.event,
    log: run.jobs[0]?.steps[0]?.log ?? '',
    scopes: run.jobs[0]?.token?.scopes,
  }));
}

describe('a pull request from a fork', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('runs its pull_request workflows without secrets and with a token that only reads', async () => {
    const [pullRequest] = await open('mallory');

    expect(pullRequest?.event).toBe('pull_request');
    expect(pullRequest?.log).toContain('pull_request sees a key of 0 characters');
    expect(pullRequest?.scopes).toEqual({ contents: 'read', 'pull-requests': 'read' });
  });

  it('runs pull_request_target in the base repository’s context: secrets and write access, which is why the line refuses forks itself (R-12)', async () => {
    const target = (await open('mallory')).find((run) => run.event === 'pull_request_target');

    expect(target?.log).toContain(
      `pull_request_target sees a key of ${String(API_KEY.length)} characters`,
    );
    expect(target?.scopes).toEqual({ contents: 'write', 'pull-requests': 'write' });
  });

  it('gives a branch of the repository itself its secrets and the access it asks for', async () => {
    const [pullRequest] = await open();

    expect(pullRequest?.log).toContain(
      `pull_request sees a key of ${String(API_KEY.length)} characters`,
    );
    expect(pullRequest?.scopes).toEqual({ contents: 'write', 'pull-requests': 'write' });
  });
});

import { describe, expect, it } from 'vitest';
import { DO_NOT_RETRY, GitHubError } from '../../../src/adapters/github/index.ts';
import { STATUS_MARKER } from '../../../src/core/notes.ts';
import { statesIn } from '../../../src/core/states.ts';
import { openPull, startAdapterForge } from './fixture.ts';

const PERMISSION = 'GET /repos/{owner}/{repo}/collaborators/{username}/permission';

describe('createOctokit: retries and rate limits (R-14)', { timeout: 60_000 }, () => {
  it('retries a server error and succeeds', async () => {
    const { forge, github } = await startAdapterForge();
    forge.faults.inject({ route: PERMISSION, times: 2, kind: 'server-error' });

    expect(await github.permissionOf('writer')).toBe('write');
    expect(forge.requestLog.countsByRoute()[PERMISSION]).toBe(3);
  });

  it('gives up after the bounded number of retries with a GitHubError', async () => {
    const { forge, github } = await startAdapterForge({ retry: { maxRetries: 2 } });
    forge.faults.inject({ route: PERMISSION, kind: 'bad-gateway' });

    const error = await github.permissionOf('writer').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ verb: 'permissionOf', status: 502 });
    expect(forge.requestLog.countsByRoute()[PERMISSION]).toBe(3);
  });

  it('waits out a secondary rate limit for exactly its retry-after, once', async () => {
    const { forge, github, log } = await startAdapterForge();
    forge.faults.inject({
      route: PERMISSION,
      times: 1,
      kind: 'secondary-rate-limit',
      retryAfterSeconds: 7,
    });

    expect(await github.permissionOf('reader')).toBe('read');
    expect(forge.requestLog.countsByRoute()[PERMISSION]).toBe(2);
    expect(log.lines.filter((line) => line.startsWith('warn:'))).toEqual([
      expect.stringMatching(/hit a secondary rate limit; retrying after 7 s$/),
    ]);
  });

  it('waits a 429 out until the rate limit resets, without a second retry schedule', async () => {
    const { forge, github, log } = await startAdapterForge();
    forge.faults.inject({ route: PERMISSION, times: 1, kind: 'rate-limit', retryAfterSeconds: 3 });

    expect(await github.permissionOf('reader')).toBe('read');
    // One retry only: 429 is on the retry plugin's do-not-retry list, so only the throttler waits.
    expect(forge.requestLog.countsByRoute()[PERMISSION]).toBe(2);
    const waited = log.lines.map((line) => /hit the rate limit; retrying after (\d+) s/.exec(line));
    expect(Number(waited.find((match) => match !== null)?.[1])).toBeGreaterThanOrEqual(3);
  });

  it('fails at once when GitHub asks for a longer wait than the policy allows', async () => {
    const { forge, github, log } = await startAdapterForge({ retry: { maxWaitSeconds: 60 } });
    forge.faults.inject({
      route: PERMISSION,
      kind: 'secondary-rate-limit',
      retryAfterSeconds: 600,
    });

    const error = await github.permissionOf('reader').catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'GitHubError', verb: 'permissionOf', status: 403 });
    expect(forge.requestLog.countsByRoute()[PERMISSION]).toBe(1);
    expect(log.lines.some((line) => line.endsWith('giving up'))).toBe(true);
  });

  it('keeps the library’s do-not-retry statuses and adds the final ones: 404 and 422 are asked once', async () => {
    const { forge, github, client, token, repo } = await startAdapterForge();
    expect(DO_NOT_RETRY).toEqual(
      expect.arrayContaining([400, 401, 403, 404, 405, 409, 410, 422, 429, 451]),
    );

    expect(await github.permissionOf('stranger')).toBe('none');
    const refused = await client(token)
      .rest.repos.createCommitStatus({ ...repo, sha: 'main', state: 'green' as never })
      .catch((e: unknown) => (e as { status?: number }).status);

    expect(refused).toBe(422);
    expect(forge.requestLog.countsByRoute()).toMatchObject({
      [PERMISSION]: 1,
      'POST /repos/{owner}/{repo}/statuses/{sha}': 1,
    });
  });

  it('completes a stage’s worth of verbs while the forge fails one call in ten', async () => {
    const { forge, github, log, token } = await startAdapterForge({ faultSeed: 14 });
    const pr = await openPull(forge, 'feature', ['state:queued', 'bug']);
    forge.faults.inject({ rate: 0.04, kind: 'server-error' });
    forge.faults.inject({ rate: 0.03, kind: 'rate-limit', retryAfterSeconds: 1 });
    forge.faults.inject({ rate: 0.03, kind: 'secondary-rate-limit', retryAfterSeconds: 1 });

    for (let step = 0; step < 3; step += 1) {
      const snapshot = await github.readPullRequest(pr);
      await github.setState(pr, snapshot?.labels ?? [], step === 2 ? 'merge' : 'plan');
      await github.readTimeline(pr);
      await github.writeStatusComment(
        pr,
        `Step ${String(step)}`,
        await github.readStatusComment(pr),
      );
      await github.dispatch('plan', { pr, expectedHeadSha: snapshot?.headSha ?? '' });
      await github.setCommitStatus(snapshot?.headSha ?? '', {
        context: 'factory/ci',
        state: 'success',
        description: 'CI passed',
      });
      await github.readChecks(snapshot?.headSha ?? '');
      await github.permissionOf('writer');
      await github.readFile('README.md', 'main');
    }
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    await github.postReview(pr, head, 'APPROVE', 'Good.');
    expect((await github.listReviews(pr)).map((review) => review.verdict)).toEqual(['APPROVE']);
    expect(await github.mergeExactly(pr, head, 'Add feature')).toMatchObject({ merged: true });

    expect(forge.faults.injected()).toBeGreaterThan(5);
    const after = await github.readPullRequest(pr);
    expect(after).toMatchObject({ merged: true });
    expect(statesIn(after?.labels ?? [])).toEqual(['merge']);
    expect(await github.readStatusComment(pr)).toMatchObject({ body: `${STATUS_MARKER}\nStep 2` });
    expect(forge.events.filter((event) => event.name === 'workflow_dispatch')).toHaveLength(3);
    expect(log.lines.join('\n')).not.toContain(token);
  });

  it('hands the log text only, never the request with its token', async () => {
    const { github, log, token } = await startAdapterForge();

    expect(await github.permissionOf('writer')).toBe('write');

    expect(log.lines).toContain('debug: request');
    expect(log.lines.some((line) => line.startsWith('info: GET /repos/'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(token);
  });
});

/**
 * A review GitHub no longer ties to a commit. GitHub collects the commits a force-push left behind,
 * and the line force-pushes on every rebase; a review of such a commit then comes with no commit.
 * It still stands: a writer's objection on it must keep the PR out of main.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isDismissedAsStale } from '../../../src/adapters/github/dismissals.ts';
import { identifiedReview } from '../../../src/adapters/github/merge-readiness.ts';
import { UNKNOWN_COMMIT } from '../../../src/core/ports.ts';
import { gitHubAt } from './fixture.ts';

const OBJECTION_ON_A_COLLECTED_COMMIT = {
  id: 7,
  state: 'CHANGES_REQUESTED',
  body: 'Not like this.',
  commit_id: null,
  submitted_at: '2026-11-27T10:00:00Z',
  user: { login: 'ada' },
};

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** GitHub's `GET /pulls/{n}/reviews`, on loopback, answering with `reviews`. */
async function serveReviews(reviews: readonly object[]): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reviews));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

describe('GitHub adapter: a review whose commit GitHub collected', () => {
  it('keeps it, with an unknown commit, when reviews are listed', async () => {
    const github = gitHubAt(await serveReviews([OBJECTION_ON_A_COLLECTED_COMMIT]));

    expect(await github.listReviews(5)).toEqual([
      {
        verdict: 'REQUEST_CHANGES',
        sha: UNKNOWN_COMMIT,
        author: 'ada',
        body: 'Not like this.',
        at: '2026-11-27T10:00:00Z',
      },
    ]);
  });

  it('keeps it, with an unknown commit, when the merge reads its readiness', () => {
    const node = {
      id: 'PRR_1',
      state: 'CHANGES_REQUESTED',
      body: 'Not like this.',
      submittedAt: '2026-11-27T10:00:00Z',
      commit: null,
      author: { __typename: 'User', login: 'ada' },
    };

    expect(identifiedReview(node)).toEqual([
      {
        id: 'PRR_1',
        review: expect.objectContaining({
          verdict: 'REQUEST_CHANGES',
          sha: UNKNOWN_COMMIT,
          author: 'ada',
        }) as unknown,
      },
    ]);
  });
});

describe('GitHub adapter: who dismissed a review', () => {
  const push = { commit: { oid: 'a'.repeat(40) } };

  it('reads a dismissal that names the push as a branch rule’s, and one with a message and no push as a person’s', () => {
    expect(isDismissedAsStale(push, null)).toBe(true);
    expect(isDismissedAsStale(null, 'Hold it.')).toBe(false);
  });

  it('reads one with neither as a branch rule’s, since GitHub makes a person say why', () => {
    expect(isDismissedAsStale(null, null)).toBe(true);
    expect(isDismissedAsStale(null, '')).toBe(true);
  });

  it('reads a blank message as a person’s, so a person’s dismissal is never taken for the rule’s', () => {
    expect(isDismissedAsStale(null, '  ')).toBe(false);
  });
});

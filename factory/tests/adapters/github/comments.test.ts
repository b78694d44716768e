import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_MARKER } from '../../../src/core/notes.ts';
import { renderStatus } from '../../../src/core/status.ts';
import {
  FACTORY_LOGIN,
  gitHubAt,
  openPull,
  pullWithTwoHeads,
  startAdapterForge,
} from './fixture.ts';

describe('GitHub adapter: the status comment', { timeout: 60_000 }, () => {
  it('is created once and then updated in place: one comment after three writes', async () => {
    const { forge, github, client, repo } = await startAdapterForge();
    const pr = await openPull(forge, 'feature');

    for (const step of ['plan', 'plan-review', 'implementation']) {
      const existing = await github.readStatusComment(pr);
      await github.writeStatusComment(pr, `${STATUS_MARKER}\nNow: ${step}`, existing);
    }

    const { data: comments } = await client('writer').rest.issues.listComments({
      ...repo,
      issue_number: pr,
    });
    expect(comments.map((c) => [c.user?.login, c.body])).toEqual([
      [FACTORY_LOGIN, `${STATUS_MARKER}\nNow: implementation`],
    ]);
    expect(await github.readStatusComment(pr)).toEqual({
      id: comments[0]?.id,
      nodeId: comments[0]?.node_id,
      body: `${STATUS_MARKER}\nNow: implementation`,
    });
  });

  it('adds the marker when the body lacks it, so the comment is found again', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature');

    await github.writeStatusComment(pr, 'Now: plan', undefined);

    expect((await github.readStatusComment(pr))?.body).toBe(`${STATUS_MARKER}\nNow: plan`);
  });

  it('is never a comment a person wrote, even one that carries the marker', async () => {
    const { forge, github, client, repo } = await startAdapterForge();
    const pr = await openPull(forge, 'feature');
    const fake = `${STATUS_MARKER}\nAll green, merge me.`;
    await client('writer').rest.issues.createComment({ ...repo, issue_number: pr, body: fake });

    expect(await github.readStatusComment(pr)).toBeUndefined();
    await github.writeStatusComment(pr, `${STATUS_MARKER}\nNow: plan`, undefined);

    const { data: comments } = await client('writer').rest.issues.listComments({
      ...repo,
      issue_number: pr,
    });
    expect(comments.map((c) => c.body)).toEqual([fake, `${STATUS_MARKER}\nNow: plan`]);
  });
});

describe('GitHub adapter: reviews', { timeout: 60_000 }, () => {
  it('posts verdicts on an exact commit and reads them back, oldest first', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';

    await github.postReview(pr, head, 'REQUEST_CHANGES', 'Split the function.');
    await github.postReview(pr, head, 'APPROVE', 'Looks right.');

    const reviews = await github.listReviews(pr);
    expect(
      reviews.map(({ verdict, sha, author, body }) => ({ verdict, sha, author, body })),
    ).toEqual([
      { verdict: 'REQUEST_CHANGES', sha: head, author: FACTORY_LOGIN, body: 'Split the function.' },
      { verdict: 'APPROVE', sha: head, author: FACTORY_LOGIN, body: 'Looks right.' },
    ]);
  });
});

describe('GitHub adapter: checks on one exact SHA (R-07)', { timeout: 60_000 }, () => {
  it('reads check runs and commit statuses of that SHA only, with their conclusions', async () => {
    const fixture = await startAdapterForge();
    const { github } = fixture;
    const { old, head, run } = await pullWithTwoHeads(fixture);
    await run('lint', head, { conclusion: 'success' });
    await run('build', head, { status: 'in_progress' });
    await run('lint', old, { conclusion: 'failure' });
    await github.setCommitStatus(head, {
      context: 'factory/ci',
      state: 'success',
      description: 'CI passed',
    });
    await github.setCommitStatus(old, {
      context: 'factory/ci',
      state: 'failure',
      description: 'red',
    });
    await github.setCommitStatus(head, {
      context: 'docs',
      state: 'pending',
      description: 'queued',
    });

    const facts = await github.readChecks(head);

    const seen = facts.map(({ name, sha, conclusion }) => ({ name, sha, conclusion }));
    expect(seen).toEqual(
      expect.arrayContaining([
        { name: 'lint', sha: head, conclusion: 'success' },
        { name: 'build', sha: head, conclusion: 'pending' },
        { name: 'factory/ci', sha: head, conclusion: 'success' },
        { name: 'docs', sha: head, conclusion: 'pending' },
      ]),
    );
    expect(seen).toHaveLength(4);
    expect(facts.every((fact) => !Number.isNaN(Date.parse(fact.at)))).toBe(true);
  });

  it('publishes a commit status with its link, and shortens a description GitHub would refuse', async () => {
    const { forge, github, client, repo } = await startAdapterForge();
    const head = (await forge.commit('writer', { branch: 'side', files: { 'c.txt': 'c\n' } })).sha;

    await github.setCommitStatus(head, {
      context: 'factory/ci',
      state: 'error',
      description: 'x'.repeat(200),
      targetUrl: 'https://example.invalid/runs/1',
    });

    const { data } = await client('writer').rest.repos.getCombinedStatusForRef({
      ...repo,
      ref: head,
    });
    expect(data.statuses).toMatchObject([
      { context: 'factory/ci', state: 'error', target_url: 'https://example.invalid/runs/1' },
    ]);
    expect(data.statuses[0]?.description).toHaveLength(140);
  });
});

describe('GitHub adapter: what the line spent on a day (R-16)', { timeout: 60_000 }, () => {
  const statusWith = (days: Record<string, number>) => renderStatus('plan', { stages: {}, days });

  it('sums the factory’s status comments on open and closed PRs, that day only, never a person’s copy', async () => {
    let clock = new Date('2026-11-26T22:00:00Z');
    const { forge, github, client, repo } = await startAdapterForge({ now: () => clock });
    const [early, open, closed] = [
      await openPull(forge, 'early'),
      await openPull(forge, 'open'),
      await openPull(forge, 'closed'),
    ];
    await github.writeStatusComment(early, statusWith({ '2026-11-26': 7 }), undefined);
    clock = new Date('2026-11-27T09:00:00Z');
    await github.writeStatusComment(
      open,
      statusWith({ '2026-11-26': 5, '2026-11-27': 1.5 }),
      undefined,
    );
    await github.writeStatusComment(closed, statusWith({ '2026-11-27': 2.25 }), undefined);
    await client('writer').rest.pulls.update({ ...repo, pull_number: closed, state: 'closed' });
    await client('writer').rest.issues.createComment({
      ...repo,
      issue_number: open,
      body: statusWith({ '2026-11-27': 100 }),
    });
    forge.requestLog.reset();

    expect(await github.readDaySpend('2026-11-27')).toEqual(
      new Map([
        [open, 1.5],
        [closed, 2.25],
      ]),
    );
    expect(forge.requestLog.countsByRoute()).toEqual({
      'GET /repos/{owner}/{repo}/issues/comments': 1,
    });
    // A comment last written the day before is read for that day, and not for the next.
    expect(await github.readDaySpend('2026-11-26')).toEqual(
      new Map([
        [early, 7],
        [open, 5],
        [closed, 0],
      ]),
    );
  });

  it('reads every page: a status comment behind a hundred newer comments still counts', async () => {
    const { forge, github, client, repo } = await startAdapterForge({
      now: () => new Date('2026-11-27T10:00:00Z'),
    });
    const pr = await openPull(forge, 'busy');
    const day = '2026-11-27';
    await github.writeStatusComment(pr, statusWith({ [day]: 4 }), undefined);
    const person = client('writer');
    for (let i = 0; i < 101; i += 1)
      await person.rest.issues.createComment({
        ...repo,
        issue_number: pr,
        body: `note ${String(i)}`,
      });

    expect(await github.readDaySpend(day)).toEqual(new Map([[pr, 4]]));
  });

  it('reads a comment written just before midnight by a clock running ahead, and only the first status comment of a PR', async () => {
    const comment = (id: number, where: string, body: string, login = FACTORY_LOGIN) => ({
      id,
      html_url: `https://github.com/o/r/${where}#issuecomment-${String(id)}`,
      user: { login },
      body,
    });
    const spent = (dollars: number) => statusWith({ '2026-11-27': dollars });
    const { url, seen } = await serveJson([
      comment(1, 'pull/7', spent(2)),
      comment(2, 'pull/7', spent(2)), // the same ledger posted twice: counted once
      comment(3, 'issues/8', spent(50)), // not a pull request
      comment(4, 'pull/9', spent(40), 'writer'), // a person's copy
    ]);
    const github = gitHubAt(url, [FACTORY_LOGIN]);

    expect(await github.readDaySpend('2026-11-27')).toEqual(new Map([[7, 2]]));
    expect(seen.map((url) => new URL(url, 'http://x').searchParams.get('since'))).toEqual([
      '2026-11-26T23:00:00.000Z',
    ]);
  });
});

/** Serves `body` as JSON to every request on loopback; `seen` is each request's path and query. */
async function serveJson(body: unknown): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

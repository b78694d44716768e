import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/twin/forge/faults.ts';
import { startForge } from './support/fixture.ts';

describe('forge fault injection', { timeout: 60_000 }, () => {
  it('R-14: with 10% of calls failing at random, the retrying client still completes a sequence, each write once', async () => {
    const { forge, client, owner, repo } = await startForge({ faultSeed: 7 });
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    forge.faults.inject({ rate: 0.1, kind: 'server-error' });
    forge.faults.inject({ rate: 0.03, kind: 'bad-gateway' });
    const writer = client('writer');
    for (let i = 0; i < 30; i += 1) {
      await writer.rest.issues.createComment({
        owner,
        repo,
        issue_number: number,
        body: `comment ${String(i)}`,
      });
      await writer.rest.issues.createLabel({ owner, repo, name: `label-${String(i)}` });
      await writer.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: number });
    }
    forge.faults.clear();
    expect(forge.faults.injected()).toBeGreaterThan(3);
    const comments = await writer.paginate(writer.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
    });
    expect(comments.map((c) => c.body)).toEqual(
      Array.from({ length: 30 }, (_, i) => `comment ${String(i)}`),
    );
    const labels = await writer.paginate(writer.rest.issues.listLabelsForRepo, {
      owner,
      repo,
      per_page: 100,
    });
    expect(labels).toHaveLength(30);
    const failed = forge.requestLog.entries().filter((entry) => entry.status >= 500);
    expect(failed).toHaveLength(forge.faults.injected());
    expect(forge.internalErrors).toEqual([]);
  });

  it('answers a chosen route with 429 and a secondary rate limit, with retry-after, then serves it', async () => {
    const { forge, client, owner, repo } = await startForge();
    const writer = client('writer');
    forge.faults.inject({
      route: 'GET /repos/{owner}/{repo}',
      times: 1,
      kind: 'secondary-rate-limit',
      retryAfterSeconds: 1,
    });
    forge.faults.inject({
      route: 'GET /repos/{owner}/{repo}',
      times: 1,
      kind: 'rate-limit',
      retryAfterSeconds: 1,
    });
    const { data } = await writer.rest.repos.get({ owner, repo });
    expect(data.name).toBe(repo);
    const statuses = forge.requestLog.entries().map((entry) => entry.status);
    expect(statuses).toEqual([403, 429, 200]);
  });

  it('sends the headers GitHub sends with a secondary rate limit', async () => {
    const { forge, owner, repo } = await startForge();
    forge.faults.inject({ times: 1, kind: 'secondary-rate-limit', retryAfterSeconds: 30 });
    const response = await fetch(`${forge.apiUrl}/repos/${owner}/${repo}`, {
      headers: { authorization: `token ${forge.as('writer')}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(((await response.json()) as { message: string }).message).toMatch(
      /You have exceeded a secondary rate limit/,
    );
  });

  it('R-14: loses the answer of a call it ran: the write stays, the caller gets a 502', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    forge.faults.inject({
      route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      times: 1,
      kind: 'answer-lost',
    });
    const response = await fetch(
      `${forge.apiUrl}/repos/${owner}/${repo}/issues/${String(number)}/comments`,
      {
        method: 'POST',
        headers: {
          authorization: `token ${forge.as('writer')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ body: 'said once' }),
      },
    );

    expect(response.status).toBe(502);
    const { data: comments } = await client('writer').rest.issues.listComments({
      owner,
      repo,
      issue_number: number,
    });
    expect(comments.map((comment) => comment.body)).toEqual(['said once']);
    expect(forge.faults.injectedByKind()).toEqual({ 'answer-lost': 1 });
  });

  it('adds latency without failing', async () => {
    const { forge, client, owner, repo } = await startForge();
    forge.faults.inject({ latencyMs: 50 });
    await client('writer').rest.repos.get({ owner, repo });
    expect(forge.requestLog.entries()[0]?.durationMs).toBeGreaterThanOrEqual(45);
  });

  it('draws the same failures from the same seed, so a chaos run replays', () => {
    const draw = (seed: number) => Array.from({ length: 20 }, seededRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('counts requests per route for benchmarks', async () => {
    const { client, forge, owner, repo } = await startForge();
    const writer = client('writer');
    await writer.rest.repos.get({ owner, repo });
    await writer.rest.repos.get({ owner, repo });
    await writer.rest.issues.listLabelsForRepo({ owner, repo });
    expect(forge.requestLog.countsByRoute()).toEqual({
      'GET /repos/{owner}/{repo}': 2,
      'GET /repos/{owner}/{repo}/labels': 1,
    });
    expect(forge.requestLog.entries()[0]).toMatchObject({
      tokenKind: 'user',
      actor: 'writer',
      status: 200,
    });
  });

  it('names the job token each request came with, so a benchmark can count per job', async () => {
    const { client, forge, owner, repo } = await startForge();
    const [first, second] = [forge.issueJobToken({}), forge.issueJobToken({})];
    await client(first.token).rest.repos.get({ owner, repo });
    await client(second.token).rest.repos.get({ owner, repo });
    await client('writer').rest.repos.get({ owner, repo });
    const ids = forge.requestLog.entries().map((entry) => entry.jobTokenId);
    expect(ids).toEqual([first.jobTokenId, second.jobTokenId, undefined]);
    expect(first.jobTokenId).not.toBe(second.jobTokenId);
  });
});

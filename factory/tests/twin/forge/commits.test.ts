import { describe, expect, it } from 'vitest';
import { startForge } from './support/fixture.ts';

describe('forge commits, checks, statuses, refs and contents', { timeout: 30_000 }, () => {
  it('reads a commit and a file at a ref', async () => {
    const { forge, client, owner, repo } = await startForge();
    const pushed = await forge.commit('writer', {
      branch: 'f',
      files: { 'docs/a.md': 'hello\n' },
      message: 'Add docs',
    });
    const reader = client('reader');
    const { data: commit } = await reader.rest.repos.getCommit({ owner, repo, ref: pushed.sha });
    expect(commit.commit.message).toBe('Add docs');
    const { data: file } = await reader.rest.repos.getContent({
      owner,
      repo,
      path: 'docs/a.md',
      ref: 'f',
    });
    expect(Buffer.from((file as { content: string }).content, 'base64').toString('utf8')).toBe(
      'hello\n',
    );
    const { data: listing } = await reader.rest.repos.getContent({
      owner,
      repo,
      path: 'docs',
      ref: 'f',
    });
    expect(listing).toEqual([
      expect.objectContaining({ type: 'file', name: 'a.md', path: 'docs/a.md' }),
    ]);
    const { data: root } = await reader.rest.repos.getContent({ owner, repo, path: '' });
    expect(
      (root as { name: string; type: string }[]).map((entry) => `${entry.type}:${entry.name}`),
    ).toEqual(['dir:.github', 'file:README.md', 'dir:src']);
    const missing = await reader.rest.repos
      .getContent({ owner, repo, path: 'docs/a.md' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('creates check runs and lists the latest per name for a ref', async () => {
    const { forge, client, owner, repo } = await startForge();
    const sha = (await forge.readRefs()).get('refs/heads/main') ?? '';
    const bot = client(forge.issueJobToken({ checks: 'write' }).token);
    await bot.rest.checks.create({ owner, repo, name: 'ci', head_sha: sha, status: 'in_progress' });
    await bot.rest.checks.create({ owner, repo, name: 'ci', head_sha: sha, conclusion: 'success' });
    const { data } = await bot.rest.checks.listForRef({ owner, repo, ref: 'main' });
    expect(data.check_runs.map((run) => [run.name, run.status, run.conclusion])).toEqual([
      ['ci', 'completed', 'success'],
    ]);
    const person = await client('writer')
      .rest.checks.create({ owner, repo, name: 'x', head_sha: sha })
      .catch((e: unknown) => e);
    expect(person).toMatchObject({ status: 403 });
  });

  it('combines commit statuses per context, the latest winning', async () => {
    const { forge, client, owner, repo } = await startForge();
    const sha = (await forge.readRefs()).get('refs/heads/main') ?? '';
    const bot = client(forge.issueJobToken({ statuses: 'write' }).token);
    const { data: empty } = await bot.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha });
    expect(empty).toMatchObject({ state: 'pending', total_count: 0 });
    await bot.rest.repos.createCommitStatus({
      owner,
      repo,
      sha,
      state: 'pending',
      context: 'factory/ci',
    });
    await bot.rest.repos.createCommitStatus({
      owner,
      repo,
      sha,
      state: 'success',
      context: 'factory/ci',
    });
    const { data: green } = await bot.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha });
    expect(green).toMatchObject({
      state: 'success',
      total_count: 1,
      statuses: [{ context: 'factory/ci', state: 'success' }],
    });
    await bot.rest.repos.createCommitStatus({
      owner,
      repo,
      sha,
      state: 'failure',
      context: 'other',
    });
    expect(
      (await bot.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha })).data.state,
    ).toBe('failure');
  });

  it('updates a ref only by fast-forward unless forced, and emits push and synchronize', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    const first = (await forge.readRefs()).get('refs/heads/f') ?? '';
    const second = await forge.commit('writer', {
      branch: 'g',
      from: 'f',
      files: { 'b.txt': 'b' },
    });
    const main = (await forge.readRefs()).get('refs/heads/main') ?? '';
    const bot = client(forge.issueJobToken({ contents: 'write' }).token);
    const { data: moved } = await bot.rest.git.updateRef({
      owner,
      repo,
      ref: 'heads/f',
      sha: second.sha,
    });
    expect(moved.object.sha).toBe(second.sha);
    expect(forge.events.at(-1)).toMatchObject({
      name: 'pull_request',
      action: 'synchronize',
      tokenKind: 'default-token',
    });
    expect(
      (await client('writer').rest.pulls.get({ owner, repo, pull_number: number })).data.head.sha,
    ).toBe(second.sha);
    const backwards = await bot.rest.git
      .updateRef({ owner, repo, ref: 'heads/f', sha: main })
      .catch((e: unknown) => e);
    expect(backwards).toMatchObject({
      status: 422,
      response: { data: { message: 'Update is not a fast forward' } },
    });
    expect((await bot.rest.git.getRef({ owner, repo, ref: 'heads/f' })).data.object.sha).toBe(
      second.sha,
    );
    await bot.rest.git.updateRef({ owner, repo, ref: 'heads/f', sha: first, force: true });
    expect((await bot.rest.git.getRef({ owner, repo, ref: 'heads/f' })).data.object.sha).toBe(
      first,
    );
    const missing = await bot.rest.git
      .getRef({ owner, repo, ref: 'heads/none' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('rebases a pull request server-side through GraphQL, refusing a moved head and a conflict', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    await forge.commit('octo-owner', { branch: 'main', files: { 'main.txt': 'm' } });
    const bot = client(forge.issueJobToken({ contents: 'write', 'pull-requests': 'write' }).token);
    const { data: pull } = await bot.rest.pulls.get({ owner, repo, pull_number: number });
    const mutation = `mutation($id: ID!, $oid: GitObjectID) {
      updatePullRequestBranch(input: {pullRequestId: $id, expectedHeadOid: $oid, updateMethod: REBASE}) { pullRequest { headRefOid } }
    }`;
    const stale = await bot
      .graphql(mutation, { id: pull.node_id, oid: 'f'.repeat(40) })
      .catch((e: unknown) => e);
    expect(String(stale)).toMatch(/expected head sha/);
    const result = await bot.graphql<{
      updatePullRequestBranch: { pullRequest: { headRefOid: string } };
    }>(mutation, {
      id: pull.node_id,
      oid: pull.head.sha,
    });
    const rebased = result.updatePullRequestBranch.pullRequest.headRefOid;
    expect(rebased).not.toBe(pull.head.sha);
    const { data: after } = await bot.rest.pulls.get({ owner, repo, pull_number: number });
    expect(after.head.sha).toBe(rebased);
    const { data: commit } = await bot.rest.repos.getCommit({ owner, repo, ref: rebased });
    expect(commit.parents.map((parent) => parent.sha)).toEqual([after.base.sha]);
    expect(forge.events.at(-1)).toMatchObject({
      action: 'synchronize',
      tokenKind: 'default-token',
    });

    await forge.commit('octo-owner', { branch: 'main', files: { 'a.txt': 'conflict' } });
    const conflict = await bot
      .graphql(mutation, { id: pull.node_id, oid: rebased })
      .catch((e: unknown) => e);
    expect(String(conflict)).toMatch(/conflict/);
    expect((await forge.readRefs()).get('refs/heads/f')).toBe(rebased);
  });
});

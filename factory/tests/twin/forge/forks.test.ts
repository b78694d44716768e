import { describe, expect, it } from 'vitest';
import { startForge } from './support/fixture.ts';

const FORK_PR = { branch: 'feature', files: { 'a.txt': 'a\n' }, title: 'From a fork' };

describe('forge pull requests from a fork', { timeout: 30_000 }, () => {
  it('serves the head in the fork’s repository, its commits reachable only through refs/pull/N/head', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openForkPullRequest('mallory', FORK_PR);

    const { data: pull } = await client('writer').rest.pulls.get({
      owner,
      repo,
      pull_number: number,
    });
    expect(pull).toMatchObject({
      user: { login: 'mallory' },
      mergeable: true,
      maintainer_can_modify: false,
      head: {
        label: 'mallory:feature',
        ref: 'feature',
        user: { login: 'mallory' },
        repo: { full_name: 'mallory/software-factory', fork: true },
      },
      base: { ref: 'main', repo: { full_name: `${owner}/${repo}`, fork: false } },
    });
    expect(pull.head.repo.id).not.toBe(pull.base.repo.id);
    const refs = await forge.readRefs();
    expect(refs.get(`refs/pull/${String(number)}/head`)).toBe(pull.head.sha);
    expect(refs.has('refs/heads/feature')).toBe(false);
    // Its event names GitHub's test merge of that head into main, as for any PR.
    expect(forge.events.map((event) => [event.name, event.action, event.ref, event.sha])).toEqual([
      [
        'pull_request',
        'opened',
        `refs/pull/${String(number)}/merge`,
        refs.get(`refs/pull/${String(number)}/merge`),
      ],
    ]);
    expect(forge.internalErrors).toEqual([]);
  });

  it('says so in GraphQL (isCrossRepository) and in the list’s owner:branch filter', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openForkPullRequest('mallory', FORK_PR);
    const writer = client('writer');

    const { repository } = await writer.graphql<{
      repository: { pullRequest: { isCrossRepository: boolean; headRefName: string } };
    }>(
      `query($owner: String!, $repo: String!, $number: Int!) {
        repository(owner: $owner, name: $repo) { pullRequest(number: $number) { isCrossRepository headRefName } }
      }`,
      { owner, repo, number },
    );
    expect(repository.pullRequest).toEqual({ isCrossRepository: true, headRefName: 'feature' });
    const listed = async (head: string) =>
      (await writer.rest.pulls.list({ owner, repo, head })).data.map((pull) => pull.number);
    expect(await listed('mallory:feature')).toEqual([number]);
    expect(await listed(`${owner}:feature`)).toEqual([]);
  });

  it('keeps a fork’s branch apart from this repository’s branch of the same name', async () => {
    const { forge, client, owner, repo } = await startForge();
    const fromFork = await forge.openForkPullRequest('mallory', FORK_PR);
    const before = (await client('writer').rest.pulls.get({ owner, repo, pull_number: fromFork }))
      .data.head.sha;

    const ours = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'b.txt': 'b\n' },
      title: 'Ours',
    });
    await forge.commit('writer', { branch: 'feature', files: { 'c.txt': 'c\n' } });

    const { data: pull } = await client('writer').rest.pulls.get({
      owner,
      repo,
      pull_number: fromFork,
    });
    expect(pull.head.sha).toBe(before);
    expect(ours).not.toBe(fromFork);
    const synchronized = forge.events.filter((event) => event.action === 'synchronize');
    expect(synchronized.map((event) => event.payload.number)).toEqual([ours]);
  });

  it('refuses to open, through the API, a PR from another owner’s branch, writing nothing', async () => {
    const { forge, client, owner, repo } = await startForge();
    await forge.commit('writer', { branch: 'feature', files: { 'a.txt': 'a\n' } });
    const eventsBefore = forge.events.length;

    const refused = await client('writer')
      .rest.pulls.create({ owner, repo, head: 'mallory:feature', base: 'main', title: 'Not ours' })
      .catch((error: unknown) => error);

    expect(refused).toMatchObject({ status: 422 });
    expect((await client('writer').rest.pulls.list({ owner, repo })).data).toEqual([]);
    expect(forge.events.length).toBe(eventsBefore);
  });

  it('moves the PR’s head when the fork’s owner pushes, and only refs/pull/N/head here', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openForkPullRequest('mallory', FORK_PR);
    const refsBefore = await forge.readRefs();

    const pushed = await forge.pushToForkPullRequest(number, { 'b.txt': 'b\n' });

    const { data: pull } = await client('writer').rest.pulls.get({
      owner,
      repo,
      pull_number: number,
    });
    expect(pull.head.sha).toBe(pushed);
    const refs = await forge.readRefs();
    expect(refs.get(`refs/pull/${String(number)}/head`)).toBe(pushed);
    expect([...refs.keys()].sort()).toEqual([...refsBefore.keys()].sort());
    const synchronize = forge.events.at(-1);
    expect(synchronize).toMatchObject({ name: 'pull_request', action: 'synchronize' });
    expect(synchronize?.payload).toMatchObject({
      sender: { login: 'mallory' },
      pull_request: { head: { sha: pushed, repo: { full_name: 'mallory/software-factory' } } },
    });
    await expect(forge.pushToForkPullRequest(999, {})).rejects.toThrow(/no pull request 999/);
  });

  it('refuses to update a fork’s branch from main (maintainers may not edit it), writing nothing', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openForkPullRequest('mallory', FORK_PR);
    await forge.commit('octo-owner', { branch: 'main', files: { 'main.txt': 'm\n' } });
    const bot = client(forge.issueJobToken({ contents: 'write', 'pull-requests': 'write' }).token);
    const { data: pull } = await bot.rest.pulls.get({ owner, repo, pull_number: number });
    const refsBefore = await forge.readRefs();

    const refused = await bot
      .graphql(
        `mutation($id: ID!) {
          updatePullRequestBranch(input: {pullRequestId: $id, updateMethod: REBASE}) { pullRequest { headRefOid } }
        }`,
        { id: pull.node_id },
      )
      .catch((error: unknown) => error);

    expect(String(refused)).toMatch(
      /mallory:feature is a fork's branch that maintainers may not edit/,
    );
    expect(await forge.readRefs()).toEqual(refsBefore);
    expect(forge.events.filter((event) => event.action === 'synchronize')).toEqual([]);
  });
});

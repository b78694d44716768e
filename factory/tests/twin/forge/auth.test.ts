import { describe, expect, it } from 'vitest';
import { startForge } from './support/fixture.ts';

describe('forge identities, tokens and reviews', { timeout: 30_000 }, () => {
  it('answers 401 Bad credentials to an unknown token', async () => {
    const { client, owner, repo, validator } = await startForge();
    const error = await client('ghp_not-a-token')
      .rest.repos.get({ owner, repo })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 401,
      response: { data: { message: 'Bad credentials' } },
    });
    await client('reader').rest.repos.get({ owner, repo });
    expect([...validator.checked]).toEqual(['GET /repos/{owner}/{repo} 200']);
  });

  it("answers 403 'Resource not accessible by integration' to a read-only job token writing, and writes nothing", async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    const readOnly = client(forge.issueJobToken({ 'pull-requests': 'read', issues: 'read' }).token);
    const before = forge.events.length;
    const error = await readOnly.rest.issues
      .addLabels({ owner, repo, issue_number: number, labels: ['x'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } },
    });
    expect(
      (await readOnly.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: number })).data,
    ).toEqual([]);
    expect(forge.events).toHaveLength(before);
  });

  it('lets a job token with issues: write alone comment over GraphQL, but not replace a pull request’s labels', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
      labels: ['state:plan'],
    });
    const issuesOnly = client(forge.issueJobToken({ issues: 'write' }).token);
    const writer = client('writer');
    const { data: pull } = await writer.rest.pulls.get({ owner, repo, pull_number: number });
    const { data: label } = await writer.rest.issues.getLabel({ owner, repo, name: 'state:plan' });

    await issuesOnly.graphql(
      'mutation($id: ID!) { addComment(input: {subjectId: $id, body: "hi"}) { clientMutationId } }',
      { id: pull.node_id },
    );
    const relabel = await issuesOnly
      .graphql(
        'mutation($id: ID!, $labels: [ID!]) { updatePullRequest(input: {pullRequestId: $id, labelIds: $labels}) { clientMutationId } }',
        { id: pull.node_id, labels: [] },
      )
      .catch((e: unknown) => e);

    expect(String(relabel)).toMatch(/Resource not accessible by integration/);
    const { data: labels } = await writer.rest.issues.listLabelsOnIssue({
      owner,
      repo,
      issue_number: number,
    });
    expect(labels.map((each) => each.name)).toEqual([label.name]);
  });

  it('refuses a person with read permission writing, and lets them read', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    const reader = client('reader');
    expect((await reader.rest.pulls.get({ owner, repo, pull_number: number })).data.number).toBe(
      number,
    );
    const error = await reader.rest.issues
      .createComment({ owner, repo, issue_number: number, body: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403 });
    expect(
      (await reader.rest.issues.listComments({ owner, repo, issue_number: number })).data,
    ).toEqual([]);
  });

  it("reports each person's repository permission", async () => {
    const { client, owner, repo } = await startForge();
    const writer = client('writer');
    const permission = async (username: string) =>
      (await writer.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username })).data
        .permission;
    expect(await permission('octo-owner')).toBe('admin');
    expect(await permission('writer')).toBe('write');
    expect(await permission('reader')).toBe('read');
    const unknown = await writer.rest.repos
      .getCollaboratorPermissionLevel({ owner, repo, username: 'ghost' })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 404 });
  });

  it('refuses a bot approving a pull request it opened (422), and accepts a person approving it', async () => {
    const { forge, client, owner, repo } = await startForge();
    const grant = forge.issueJobToken({ contents: 'write', 'pull-requests': 'write' });
    expect((await forge.commit(grant, { branch: 'bot', files: { 'a.txt': 'a' } })).ok).toBe(true);
    const bot = client(grant.token);
    const { data: pull } = await bot.rest.pulls.create({
      owner,
      repo,
      title: 'Bot',
      head: 'bot',
      base: 'main',
    });
    expect(pull.user.login).toBe('github-actions[bot]');
    const selfApproval = await bot.rest.pulls
      .createReview({ owner, repo, pull_number: pull.number, event: 'APPROVE' })
      .catch((e: unknown) => e);
    expect(selfApproval).toMatchObject({ status: 422 });
    const { data: review } = await client('writer').rest.pulls.createReview({
      owner,
      repo,
      pull_number: pull.number,
      event: 'APPROVE',
      commit_id: pull.head.sha,
    });
    expect(review).toMatchObject({
      state: 'APPROVED',
      commit_id: pull.head.sha,
      user: { login: 'writer' },
    });
    const { data: reviews } = await bot.rest.pulls.listReviews({
      owner,
      repo,
      pull_number: pull.number,
    });
    expect(reviews.map((r) => r.state)).toEqual(['APPROVED']);
    expect(forge.events.at(-1)).toMatchObject({
      name: 'pull_request_review',
      action: 'submitted',
      actor: { login: 'writer' },
    });
  });

  it("refuses the default token creating a pull request when Actions may not (GitHub's setting off)", async () => {
    const { forge, client, owner, repo } = await startForge({ actionsMayCreateAndApprove: false });
    const grant = forge.issueJobToken({ contents: 'write', 'pull-requests': 'write' });
    await forge.commit(grant, { branch: 'bot', files: { 'a.txt': 'a' } });
    const error = await client(grant.token)
      .rest.pulls.create({ owner, repo, title: 'Bot', head: 'bot', base: 'main' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 403,
      response: {
        data: { message: 'GitHub Actions is not permitted to create or approve pull requests.' },
      },
    });
    expect((await client('writer').rest.pulls.list({ owner, repo })).data).toEqual([]);
  });
});

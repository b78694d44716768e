import { describe, expect, it } from 'vitest';
import { startForge } from './support/fixture.ts';

describe('forge labels and the issue timeline', { timeout: 30_000 }, () => {
  it('creates, lists, reads and updates repository labels, refusing a duplicate with 422', async () => {
    const { client, owner, repo } = await startForge();
    const writer = client('writer');
    const { data: created } = await writer.rest.issues.createLabel({
      owner,
      repo,
      name: 'state:queued',
      color: '0e8a16',
    });
    expect(created).toMatchObject({ name: 'state:queued', color: '0e8a16' });
    const duplicate = await writer.rest.issues
      .createLabel({ owner, repo, name: 'STATE:queued' })
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({
      status: 422,
      response: { data: { errors: [{ code: 'already_exists' }] } },
    });
    await writer.rest.issues.updateLabel({
      owner,
      repo,
      name: 'state:queued',
      description: 'waiting',
    });
    const { data: label } = await writer.rest.issues.getLabel({
      owner,
      repo,
      name: 'state:queued',
    });
    expect(label.description).toBe('waiting');
    expect((await writer.rest.issues.listLabelsForRepo({ owner, repo })).data).toHaveLength(1);
  });

  it('records one event per label a PUT actually changes, with actor, time and colour, in order', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    const writer = client('writer');
    await writer.rest.issues.createLabel({ owner, repo, name: 'state:plan', color: 'aaaaaa' });
    await writer.rest.issues.addLabels({
      owner,
      repo,
      issue_number: number,
      labels: ['state:queued', 'keep'],
    });
    const bot = client(forge.issueJobToken({ 'pull-requests': 'write' }).token);
    const { data: now } = await bot.rest.issues.setLabels({
      owner,
      repo,
      issue_number: number,
      labels: ['keep', 'state:plan'],
    });
    expect(now.map((label) => label.name)).toEqual(['keep', 'state:plan']);

    const { data: events } = await writer.rest.issues.listEvents({
      owner,
      repo,
      issue_number: number,
    });
    const summary = events.map((event) => {
      const labelled = event as { label?: { name: string; color: string } };
      return `${event.event} ${labelled.label?.name ?? ''} by ${event.actor.login}`;
    });
    expect(summary).toEqual([
      'labeled state:queued by writer',
      'labeled keep by writer',
      'unlabeled state:queued by github-actions[bot]',
      'labeled state:plan by github-actions[bot]',
    ]);
    expect(events[3]).toMatchObject({
      label: { color: 'aaaaaa' },
      performed_via_github_app: { slug: 'github-actions' },
    });
    expect(events.every((event) => event.created_at.endsWith('Z'))).toBe(true);

    const { data: timeline } = await writer.rest.issues.listEventsForTimeline({
      owner,
      repo,
      issue_number: number,
    });
    expect(timeline.map((item) => item.event)).toEqual([
      'labeled',
      'labeled',
      'unlabeled',
      'labeled',
    ]);
    const labelEvents = forge.events.filter(
      (event) => event.action === 'labeled' || event.action === 'unlabeled',
    );
    expect(labelEvents.map((event) => [event.action, event.actor.login, event.tokenKind])).toEqual([
      ['labeled', 'writer', 'user'],
      ['labeled', 'writer', 'user'],
      ['unlabeled', 'github-actions[bot]', 'default-token'],
      ['labeled', 'github-actions[bot]', 'default-token'],
    ]);
    expect(labelEvents[3]?.payload).toMatchObject({
      action: 'labeled',
      label: { name: 'state:plan' },
      number,
    });
  });

  it('answers 404 to removing a label the issue does not have, and records nothing', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
      labels: ['x'],
    });
    const writer = client('writer');
    const eventsBefore = forge.events.length;
    const error = await writer.rest.issues
      .removeLabel({ owner, repo, issue_number: number, name: 'y' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 404,
      response: { data: { message: 'Label does not exist' } },
    });
    expect(forge.events).toHaveLength(eventsBefore);
    const { data: remaining } = await writer.rest.issues.removeLabel({
      owner,
      repo,
      issue_number: number,
      name: 'x',
    });
    expect(remaining).toEqual([]);
    expect(
      (await writer.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: number })).data,
    ).toEqual([]);
  });

  it('creates, updates and lists comments, and shows them on the timeline', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'f',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    const writer = client('writer');
    const { data: comment } = await writer.rest.issues.createComment({
      owner,
      repo,
      issue_number: number,
      body: 'first',
    });
    await writer.rest.issues.updateComment({ owner, repo, comment_id: comment.id, body: 'edited' });
    const { data: comments } = await writer.rest.issues.listComments({
      owner,
      repo,
      issue_number: number,
    });
    expect(comments.map((c) => c.body)).toEqual(['edited']);
    const { data: timeline } = await writer.rest.issues.listEventsForTimeline({
      owner,
      repo,
      issue_number: number,
    });
    expect(timeline.map((item) => item.event)).toEqual(['commented']);
  });

  it('pages lists with per_page, page and a Link header', async () => {
    const { client, owner, repo } = await startForge();
    const writer = client('writer');
    for (const name of ['a', 'b', 'c']) await writer.rest.issues.createLabel({ owner, repo, name });
    const first = await writer.rest.issues.listLabelsForRepo({ owner, repo, per_page: 2 });
    expect(first.data.map((label) => label.name)).toEqual(['a', 'b']);
    expect(first.headers.link).toMatch(/page=2>; rel="next"/);
    const all = await writer.paginate(writer.rest.issues.listLabelsForRepo, {
      owner,
      repo,
      per_page: 2,
    });
    expect(all.map((label) => label.name)).toEqual(['a', 'b', 'c']);
  });
});

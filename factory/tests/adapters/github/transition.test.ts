import { describe, expect, it } from 'vitest';
import { renderRerunNote, STATUS_MARKER } from '../../../src/core/notes.ts';
import { createGitHub } from '../../../src/adapters/github/index.ts';
import type { Conversation, TransitionRecord } from '../../../src/core/ports.ts';
import { isWrite, type FaultKind } from '../../../src/twin/forge/index.ts';
import {
  dismissStaleApprovalsOnMain,
  FACTORY_LOGIN,
  JOB_SCOPES,
  openPull,
  startAdapterForge,
} from './fixture.ts';

const NOTE = renderRerunNote('plan', 'stage-crashed');

/** A PR in `state:queued` with a person's label beside it, every state label known to the repo. */
async function queuedPull(fixture: Awaited<ReturnType<typeof startAdapterForge>>) {
  const { forge, client, repo } = fixture;
  for (const name of ['state:plan', 'state:needs-attention'])
    await client('octo-owner').rest.issues.createLabel({ ...repo, name, color: 'ededed' });
  return openPull(forge, 'feature', ['state:queued', 'keep-me']);
}

describe('GitHub adapter: recording a transition', { timeout: 60_000 }, () => {
  it('writes the status comment, the note and the state label in one mutation after the job read the PR', async () => {
    const fixture = await startAdapterForge();
    const { forge, github, client, repo } = fixture;
    const pr = await queuedPull(fixture);
    await github.writeStatusComment(pr, `${STATUS_MARKER}\nNow: queued`, undefined);
    const { statusComment, pullRequest } = await github.readConversation(pr);
    forge.requestLog.reset();

    await github.recordTransition(pr, {
      statusComment: { body: `${STATUS_MARKER}\nNow: plan`, existing: statusComment },
      notes: [NOTE],
      state: { currentLabels: pullRequest?.labels ?? [], to: 'plan' },
    });

    expect(forge.requestLog.entries().map((entry) => entry.route)).toEqual([
      'POST /graphql mutation recordTransition',
    ]);
    const { data: comments } = await client('writer').rest.issues.listComments({
      ...repo,
      issue_number: pr,
    });
    expect(comments.map((comment) => [comment.user?.login, comment.body])).toEqual([
      [FACTORY_LOGIN, `${STATUS_MARKER}\nNow: plan`],
      [FACTORY_LOGIN, NOTE],
    ]);
    expect((await github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
    const { timeline } = await github.readConversation(pr);
    // In the order written: the note, then the label swap the next stage re-reads.
    expect(timeline.slice(-3)).toMatchObject([
      { kind: 'rerun', stage: 'plan', reason: 'stage-crashed', actor: FACTORY_LOGIN },
      { kind: 'unlabeled', label: 'state:queued', actor: FACTORY_LOGIN },
      { kind: 'labeled', label: 'state:plan', actor: FACTORY_LOGIN },
    ]);
  });

  it('publishes a code review on the exact head first, in the same mutation', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await queuedPull(fixture);
    const { statusComment, pullRequest } = await github.readConversation(pr);
    const head = pullRequest?.headSha ?? '';
    forge.requestLog.reset();

    await github.recordTransition(pr, {
      announcement: { kind: 'review', sha: head, verdict: 'APPROVE', body: 'Looks right.' },
      statusComment: { body: `${STATUS_MARKER}\nNow: plan`, existing: statusComment },
      notes: [],
      state: { currentLabels: pullRequest?.labels ?? [], to: 'plan' },
    });

    expect(forge.requestLog.entries().map((entry) => entry.route)).toEqual([
      'POST /graphql mutation recordTransition',
    ]);
    expect(await github.listReviews(pr)).toMatchObject([
      { verdict: 'APPROVE', sha: head, author: FACTORY_LOGIN, body: 'Looks right.' },
    ]);
  });

  it('puts the label back and fails when GitHub refuses a write before it (the review)', async () => {
    const fixture = await startAdapterForge({ actionsMayCreateAndApprove: false });
    const { github } = fixture;
    const pr = await queuedPull(fixture);
    const { statusComment, pullRequest } = await github.readConversation(pr);

    const refused = await github
      .recordTransition(pr, {
        announcement: {
          kind: 'review',
          sha: pullRequest?.headSha ?? '',
          verdict: 'APPROVE',
          body: 'Looks right.',
        },
        statusComment: { body: `${STATUS_MARKER}\nNow: plan`, existing: statusComment },
        notes: [],
        state: { currentLabels: pullRequest?.labels ?? [], to: 'plan' },
      })
      .catch((error: unknown) => error);

    expect(String(refused)).toMatch(/GitHub recordTransition failed: .*approve/i);
    expect(await github.listReviews(pr)).toEqual([]);
    // GitHub ran the label swap after the refused review; the adapter put the labels back.
    expect((await github.readPullRequest(pr))?.labels.toSorted()).toEqual([
      'keep-me',
      'state:queued',
    ]);
  });

  it('writes the same over REST, one request each, when the job has not read the ids', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await queuedPull(fixture);
    const fresh = adapterFor(fixture, fixture.token);
    forge.requestLog.reset();

    await fresh.recordTransition(pr, {
      statusComment: { body: 'Now: plan', existing: undefined },
      notes: [],
      state: { currentLabels: ['state:queued', 'keep-me'], to: 'plan' },
    });

    expect(
      forge.requestLog
        .entries()
        .filter(isWrite)
        .map((entry) => entry.route),
    ).toEqual([
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PUT /repos/{owner}/{repo}/issues/{issue_number}/labels',
    ]);
    expect((await github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
    expect((await github.readStatusComment(pr))?.body).toBe(`${STATUS_MARKER}\nNow: plan`);
  });

  it('writes the status comment anew when a person deleted it, and still moves the label', async () => {
    const fixture = await startAdapterForge();
    const { github, client, repo: names } = fixture;
    const pr = await queuedPull(fixture);
    await github.writeStatusComment(pr, `${STATUS_MARKER}\nNow: queued`, undefined);
    const { statusComment, pullRequest } = await github.readConversation(pr);
    await client('writer').rest.issues.deleteComment({
      ...names,
      comment_id: statusComment?.id ?? 0,
    });

    await github.recordTransition(pr, {
      statusComment: { body: `${STATUS_MARKER}\nNow: plan`, existing: statusComment },
      notes: [],
      state: { currentLabels: pullRequest?.labels ?? [], to: 'plan' },
    });

    expect((await github.readStatusComment(pr))?.body).toBe(`${STATUS_MARKER}\nNow: plan`);
    expect((await github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
  });

  it('is refused with zero writes for a token that may only read', async () => {
    const fixture = await startAdapterForge();
    const { forge } = fixture;
    const pr = await queuedPull(fixture);
    const readOnly = forge.issueJobToken({
      ...JOB_SCOPES,
      issues: 'read',
      'pull-requests': 'read',
    });
    const reader = adapterFor(fixture, readOnly.token);
    const { statusComment, pullRequest } = await reader.readConversation(pr);
    forge.requestLog.reset();

    const refused = await reader
      .recordTransition(pr, {
        statusComment: { body: 'Now: plan', existing: statusComment },
        notes: [NOTE],
        state: { currentLabels: pullRequest?.labels ?? [], to: 'plan' },
      })
      .catch((error: unknown) => error);

    expect(String(refused)).toMatch(/recordTransition.*Resource not accessible by integration/s);
    expect((await fixture.github.readPullRequest(pr))?.labels).toEqual(['state:queued', 'keep-me']);
    expect(await fixture.github.readStatusComment(pr)).toBeUndefined();
  });
});

describe('GitHub adapter: a transition whose answer was lost (R-14)', { timeout: 60_000 }, () => {
  it('reads back a transition GitHub ran before the answer was lost, and sends nothing again', async () => {
    const { fixture, pr, reading } = await readThenFail('answer-lost');

    await fixture.github.recordTransition(pr, toPlan(reading, [NOTE]));

    expect(routesAndStatuses(fixture)).toEqual([
      ['POST /graphql mutation recordTransition', 502],
      ['POST /graphql query conversation', 200],
    ]);
    expect(await factoryComments(fixture, pr)).toEqual([VERDICT, NEXT, NOTE]);
    expect((await fixture.github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
  });

  it('sends a transition again, once, when GitHub failed it before running it', async () => {
    const { fixture, pr, reading } = await readThenFail('bad-gateway');

    await fixture.github.recordTransition(pr, toPlan(reading));

    expect(routesAndStatuses(fixture)).toEqual([
      ['POST /graphql', 502],
      ['POST /graphql query conversation', 200],
      ['POST /graphql mutation recordTransition', 200],
    ]);
    expect(await factoryComments(fixture, pr)).toEqual([VERDICT, NEXT]);
    expect((await fixture.github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
  });

  it('sends only what did not land: the label, not the verdict again', async () => {
    const { fixture, pr, reading } = await readThenFail('bad-gateway', { withStatusComment: true });
    const { github, forge } = fixture;
    // What GitHub left of a mutation it ran part of before its answer was lost: the verdict and
    // the status comment, not the label.
    await github.comment(pr, VERDICT);
    await github.writeStatusComment(pr, NEXT, reading.statusComment);
    forge.requestLog.reset();

    await github.recordTransition(pr, toPlan(reading));

    expect(routesAndStatuses(fixture)).toEqual([
      ['POST /graphql', 502],
      ['POST /graphql query conversation', 200],
      ['POST /graphql mutation recordTransition', 200],
    ]);
    expect(await factoryComments(fixture, pr)).toEqual([NEXT, VERDICT]);
    expect((await github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
  });

  it('leaves a state label someone else moved meanwhile where they put it', async () => {
    const { fixture, pr, reading } = await readThenFail('bad-gateway');
    // A person parks the PR between the job's reading and its transition, which then fails.
    await fixture.client('writer').rest.issues.setLabels({
      ...fixture.repo,
      issue_number: pr,
      labels: ['keep-me', 'state:needs-attention'],
    });

    await fixture.github.recordTransition(pr, toPlan(reading));

    expect(await factoryComments(fixture, pr)).toEqual([VERDICT, NEXT]);
    expect((await fixture.github.readPullRequest(pr))?.labels).toEqual([
      'keep-me',
      'state:needs-attention',
    ]);
  });

  it('puts the label back and fails when the lost mutation’s review was refused', async () => {
    const { fixture, pr, reading } = await readThenFail('answer-lost', {
      forge: { actionsMayCreateAndApprove: false },
    });
    const head = reading.pullRequest?.headSha ?? '';
    const review = { kind: 'review', sha: head, verdict: 'APPROVE', body: 'Looks right.' } as const;

    const failed = await fixture.github
      .recordTransition(pr, { ...toPlan(reading), announcement: review })
      .catch((error: unknown) => error);

    expect(String(failed)).toMatch(/GitHub recordTransition failed: .*approve/i);
    expect(await fixture.github.listReviews(pr)).toEqual([]);
    // GitHub moved the label after the refused review; it was put back.
    expect((await fixture.github.readPullRequest(pr))?.labels.toSorted()).toEqual([
      'keep-me',
      'state:queued',
    ]);
  });

  it('writes anew a status comment a person deleted, when the answer was lost', async () => {
    const { fixture, pr, reading } = await readThenFail('answer-lost', { withStatusComment: true });
    await fixture.client('writer').rest.issues.deleteComment({
      ...fixture.repo,
      comment_id: reading.statusComment?.id ?? 0,
    });

    await fixture.github.recordTransition(pr, toPlan(reading));

    expect(await factoryComments(fixture, pr)).toEqual([VERDICT, NEXT]);
    expect((await fixture.github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
  });

  it('tells its own verdict from the same words posted before: the verdict goes out again', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await queuedPull(fixture);
    await github.comment(pr, VERDICT); // an earlier attempt's verdict, in the same words
    const reading = await github.readConversation(pr);
    forge.faults.inject({ route: 'POST /graphql', times: 1, kind: 'bad-gateway' });

    await github.recordTransition(pr, toPlan(reading));

    expect(await factoryComments(fixture, pr)).toEqual([VERDICT, VERDICT, NEXT]);
  });

  it('posts the verdict again rather than lose it when the job never saw the PR’s comments', async () => {
    const fixture = await startAdapterForge();
    const { forge } = fixture;
    const pr = await queuedPull(fixture);
    const fresh = adapterFor(fixture, fixture.token);
    await fresh.readPullRequest(pr); // over REST: the PR's id, none of its comments
    forge.faults.inject({ route: 'POST /graphql', times: 1, kind: 'answer-lost' });

    await fresh.recordTransition(pr, {
      announcement: { kind: 'comment', body: VERDICT },
      statusComment: { body: NEXT, existing: undefined },
      notes: [],
    });

    expect(await factoryComments(fixture, pr)).toEqual([VERDICT, NEXT, VERDICT]);
  });

  it('publishes a code review once when the answer was lost', async () => {
    const { fixture, pr, reading } = await readThenFail('answer-lost');
    const head = reading.pullRequest?.headSha ?? '';

    await fixture.github.recordTransition(pr, {
      ...toPlan(reading),
      announcement: { kind: 'review', sha: head, verdict: 'REQUEST_CHANGES', body: 'Not yet.' },
    });

    expect(await fixture.github.listReviews(pr)).toMatchObject([
      { verdict: 'REQUEST_CHANGES', sha: head, body: 'Not yet.' },
    ]);
    expect((await fixture.github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
  });

  it('counts its review as landed when a branch rule dismissed it since, and sends only the rest', async () => {
    const { fixture, pr, reading } = await readThenFail('bad-gateway');
    const { github, forge } = fixture;
    const head = reading.pullRequest?.headSha ?? '';
    await dismissStaleApprovalsOnMain(fixture);
    // What GitHub left of the lost mutation: its review, dismissed since as the head moved.
    await github.postReview(pr, head, 'APPROVE', 'Good.');
    await forge.commit('writer', { branch: 'feature', files: { 'src/later.ts': 'x\n' } });

    await github.recordTransition(pr, {
      ...toPlan(reading),
      announcement: { kind: 'review', sha: head, verdict: 'APPROVE', body: 'Good.' },
    });

    expect((await github.listReviews(pr)).map((review) => review.verdict)).toEqual(['DISMISSED']);
    expect((await github.readPullRequest(pr))?.labels).toEqual(['keep-me', 'state:plan']);
  });

  it('keeps a label a person added meanwhile when it sends the label again', async () => {
    const { fixture, pr, reading } = await readThenFail('bad-gateway');
    await fixture.client('writer').rest.issues.addLabels({
      ...fixture.repo,
      issue_number: pr,
      labels: ['urgent'],
    });

    await fixture.github.recordTransition(pr, toPlan(reading));

    expect((await fixture.github.readPullRequest(pr))?.labels.toSorted()).toEqual([
      'keep-me',
      'state:plan',
      'urgent',
    ]);
  });

  it('gives up with a named error when GitHub keeps failing, having written nothing', async () => {
    const { fixture, pr, reading } = await readThenFail('server-error', { times: 1000 });

    const failed = await fixture.github
      .recordTransition(pr, toPlan(reading))
      .catch((error: unknown) => error);
    fixture.forge.faults.clear();

    expect(String(failed)).toMatch(/GitHub recordTransition failed \(500\)/);
    const writes = fixture.forge.requestLog.entries().filter(isWrite);
    expect(writes.every((entry) => entry.status === 500)).toBe(true);
    expect(await factoryComments(fixture, pr)).toEqual([]);
    expect((await fixture.github.readPullRequest(pr))?.labels).toEqual(['state:queued', 'keep-me']);
  });
});

const VERDICT = 'Plan review: request changes.';
const NEXT = `${STATUS_MARKER}\nNow: plan`;

/**
 * A queued PR as a job read it, with the forge set to fail the job's next GraphQL call(s) with
 * `kind`, and its request log started afresh.
 */
async function readThenFail(
  kind: FaultKind,
  options: {
    readonly times?: number;
    readonly withStatusComment?: boolean;
    readonly forge?: Parameters<typeof startAdapterForge>[0];
  } = {},
) {
  const fixture = await startAdapterForge(options.forge);
  const pr = await queuedPull(fixture);
  if (options.withStatusComment === true)
    await fixture.github.writeStatusComment(pr, `${STATUS_MARKER}\nNow: queued`, undefined);
  const reading = await fixture.github.readConversation(pr);
  fixture.forge.requestLog.reset();
  fixture.forge.faults.inject({ route: 'POST /graphql', times: options.times ?? 1, kind });
  return { fixture, pr, reading };
}

/** The plan review's transition back to `plan`, announced by its verdict comment. */
function toPlan(reading: Conversation, notes: readonly string[] = []): TransitionRecord {
  return {
    announcement: { kind: 'comment', body: VERDICT },
    statusComment: { body: NEXT, existing: reading.statusComment },
    notes,
    state: { currentLabels: reading.pullRequest?.labels ?? [], to: 'plan' },
  };
}

function routesAndStatuses(fixture: Awaited<ReturnType<typeof startAdapterForge>>) {
  return fixture.forge.requestLog.entries().map((entry) => [entry.route, entry.status]);
}

/** The bodies of the PR's comments by the factory, oldest first. */
async function factoryComments(
  fixture: Awaited<ReturnType<typeof startAdapterForge>>,
  pr: number,
): Promise<(string | undefined)[]> {
  const { data } = await fixture
    .client('writer')
    .rest.issues.listComments({ ...fixture.repo, issue_number: pr });
  return data.filter((comment) => comment.user?.login === FACTORY_LOGIN).map((c) => c.body);
}

/** A new adapter on the same forge for `token`: a job of its own, that has read nothing yet. */
function adapterFor(fixture: Awaited<ReturnType<typeof startAdapterForge>>, token: string) {
  return createGitHub({
    octokit: fixture.client(token),
    repository: { owner: fixture.repo.owner, name: fixture.repo.repo, defaultBranch: 'main' },
    factoryLogins: [FACTORY_LOGIN],
  });
}

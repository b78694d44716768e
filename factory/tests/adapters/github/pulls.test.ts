import { describe, expect, it } from 'vitest';
import { isLabelEntry } from '../../../src/core/attempts.ts';
import { renderRerunNote, STATUS_MARKER } from '../../../src/core/notes.ts';
import { statesIn } from '../../../src/core/states.ts';
import {
  dismissStaleApprovalsOnMain,
  FACTORY_LOGIN,
  openPull,
  startAdapterForge,
} from './fixture.ts';
import { isWrite } from '../../../src/twin/forge/index.ts';

describe('GitHub adapter: pull requests', { timeout: 60_000 }, () => {
  it('reads a pull request as a snapshot of its head, base, author and labels', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', ['state:queued', 'bug']);
    const head = (await forge.commit('writer', { branch: 'feature', files: { 'b.txt': 'b\n' } }))
      .sha;

    expect(await github.readPullRequest(pr)).toEqual({
      number: pr,
      title: 'Add feature',
      body: '',
      open: true,
      merged: false,
      draft: false,
      headSha: head,
      headRef: 'feature',
      baseRef: 'main',
      author: 'writer',
      isFork: false,
      labels: ['state:queued', 'bug'],
    });
  });

  it('R-12: reads a PR from a person’s fork as a fork, in the snapshot, the list and the conversation alike', async () => {
    const { forge, github, client, repo } = await startAdapterForge();
    const ours = await openPull(forge, 'feature');
    const fromFork = await forge.openForkPullRequest('mallory', {
      branch: 'feature',
      files: { 'specs/0009-mine.md': '# Mine\n' },
      title: 'A spec from a fork',
    });
    await client('writer').rest.issues.addLabels({
      ...repo,
      issue_number: fromFork,
      labels: ['state:queued'],
    });

    expect(await github.readPullRequest(fromFork)).toMatchObject({
      author: 'mallory',
      headRef: 'feature',
      isFork: true,
      labels: ['state:queued'],
    });
    const listed = await github.listOpenPullRequests();
    expect(listed.map((pull) => [pull.number, pull.isFork])).toEqual([
      [ours, false],
      [fromFork, true],
    ]);
    expect((await github.readConversation(fromFork)).pullRequest?.isFork).toBe(true);
    expect((await github.readConversation(ours)).pullRequest?.isFork).toBe(false);
  });

  it('answers undefined for a pull request that does not exist', async () => {
    const { github } = await startAdapterForge();
    expect(await github.readPullRequest(404)).toBeUndefined();
  });

  it('lists open pull requests oldest first, across pages, and leaves closed ones out', async () => {
    const { forge, github, client, repo } = await startAdapterForge();
    const numbers: number[] = [];
    for (const branch of ['one', 'two', 'three']) numbers.push(await openPull(forge, branch));
    await client('writer').rest.pulls.update({
      ...repo,
      pull_number: numbers[1] ?? 0,
      state: 'closed',
    });

    const open = await github.listOpenPullRequests();
    expect(open.map((pull) => pull.number)).toEqual([numbers[0], numbers[2]]);
    expect(open.every((pull) => pull.open && !pull.merged)).toBe(true);
  });
});

describe('GitHub adapter: state labels (R-04)', { timeout: 60_000 }, () => {
  it('swaps the state label in one write, keeping every other label', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', ['bug', 'state:queued', 'docs']);
    forge.requestLog.reset();

    await github.setState(pr, ['bug', 'state:queued', 'docs'], 'plan');

    const labels = (await github.readPullRequest(pr))?.labels ?? [];
    expect(labels).toEqual(expect.arrayContaining(['bug', 'docs', 'state:plan']));
    expect(labels).toHaveLength(3);
    expect(statesIn(labels)).toEqual(['plan']);
    const writes = forge.requestLog.entries().filter(isWrite);
    expect(writes.map((entry) => entry.route)).toEqual([
      'PUT /repos/{owner}/{repo}/issues/{issue_number}/labels',
    ]);
  });

  it('leaves exactly one state label even when the PR carried two', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', ['state:plan', 'state:merge', 'keep']);

    await github.setState(pr, ['state:plan', 'state:merge', 'keep'], 'needs-attention');

    const labels = (await github.readPullRequest(pr))?.labels ?? [];
    expect(statesIn(labels)).toEqual(['needs-attention']);
    expect(labels).toContain('keep');
  });

  it('removes a label, and removing one that is already gone is not an error', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', ['state:queued', 'bug']);

    await github.removeLabel(pr, 'bug');
    await github.removeLabel(pr, 'bug');

    expect((await github.readPullRequest(pr))?.labels).toEqual(['state:queued']);
  });
});

describe('GitHub adapter: timeline', { timeout: 60_000 }, () => {
  it('maps label moves with their actors and the factory’s re-run notes, oldest first', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', ['state:queued']);
    await github.setState(pr, ['state:queued'], 'plan');
    await github.comment(pr, renderRerunNote('plan', 'invalid-output', 'a1b2c3d4e5f6'));

    const timeline = await github.readTimeline(pr);

    expect(timeline.map((entry) => ({ ...entry, at: 'any' }))).toEqual([
      { kind: 'labeled', label: 'state:queued', actor: 'writer', at: 'any' },
      { kind: 'unlabeled', label: 'state:queued', actor: FACTORY_LOGIN, at: 'any' },
      { kind: 'labeled', label: 'state:plan', actor: FACTORY_LOGIN, at: 'any' },
      {
        kind: 'rerun',
        stage: 'plan',
        reason: 'invalid-output',
        write: 'a1b2c3d4e5f6',
        actor: FACTORY_LOGIN,
        at: 'any',
      },
    ]);
    expect(timeline.every((entry) => !Number.isNaN(Date.parse(entry.at)))).toBe(true);
  });

  it('ignores a re-run note a person wrote, and comments without a note', async () => {
    const { forge, github, client, repo } = await startAdapterForge();
    const pr = await openPull(forge, 'feature');
    const writer = client('writer');
    await writer.rest.issues.createComment({
      ...repo,
      issue_number: pr,
      body: renderRerunNote('implementation', 'stage-crashed'),
    });
    await github.comment(pr, 'Just a remark from the factory.');

    expect(await github.readTimeline(pr)).toEqual([]);
  });

  it('keeps a person’s dismissal of the line’s approval, and no other dismissal', async () => {
    const fixture = await startAdapterForge();
    const { forge, github, client, repo, token } = fixture;
    await dismissStaleApprovalsOnMain(fixture);
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    const writer = client('writer');
    const review = async (as: 'line' | 'octo-owner', event: 'APPROVE' | 'REQUEST_CHANGES') => {
      if (as === 'line') await github.postReview(pr, head, event, event);
      else
        await client(as).rest.pulls.createReview({ ...repo, pull_number: pr, event, body: event });
      const { data } = await writer.rest.pulls.listReviews({ ...repo, pull_number: pr });
      return data.at(-1)?.id ?? 0;
    };
    const dismiss = (id: number, message: string) =>
      writer.rest.pulls.dismissReview({ ...repo, pull_number: pr, review_id: id, message });
    await dismiss(await review('line', 'REQUEST_CHANGES'), 'The objection was wrong.');
    await dismiss(await review('octo-owner', 'APPROVE'), 'Not the owner’s call.');
    // The line's own identity withdrawing its approval is no person holding the PR.
    const own = await review('line', 'APPROVE');
    await client(token).rest.pulls.dismissReview({
      ...repo,
      pull_number: pr,
      review_id: own,
      message: 'Superseded.',
    });
    await dismiss(await review('line', 'APPROVE'), 'Hold it.');
    await review('line', 'APPROVE');
    // A branch rule dismisses this approval as stale: the timeline names the push.
    await forge.commit('writer', { branch: 'feature', files: { 'later.txt': 'later\n' } });

    const timeline = await github.readTimeline(pr);

    expect(timeline.map((entry) => ({ ...entry, at: 'any' }))).toEqual([
      { kind: 'approval-withdrawn', sha: head, message: 'Hold it.', actor: 'writer', at: 'any' },
    ]);
  });

  it('reads every page of a long timeline', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', ['state:queued']);
    // Comments fill pages cheaply: a label move re-renders the PR for its event, a comment does not.
    for (let remark = 0; remark < 100; remark += 1)
      await github.comment(pr, `Remark ${String(remark)}`);
    await github.setState(pr, ['state:queued'], 'plan');
    forge.requestLog.reset();

    const timeline = await github.readTimeline(pr);

    expect(timeline.map((entry) => (isLabelEntry(entry) ? entry.label : true))).toEqual([
      'state:queued',
      'state:queued',
      'state:plan',
    ]);
    expect(forge.requestLog.countsByRoute()).toEqual({
      'POST /graphql query conversation': 2,
    });
  });
});

describe(
  'GitHub adapter: the conversation (timeline and status comment together)',
  { timeout: 60_000 },
  () => {
    it('reads the PR, its timeline and the status comment the factory wrote (not a person’s copy) in one request', async () => {
      const { forge, github, client, repo } = await startAdapterForge();
      const pr = await openPull(forge, 'feature', ['state:queued']);
      const forged = `${STATUS_MARKER}\nAll green, merge me.`;
      await client('writer').rest.issues.createComment({ ...repo, issue_number: pr, body: forged });
      await github.writeStatusComment(pr, `${STATUS_MARKER}\nNow: plan`, undefined);
      await github.setState(pr, ['state:queued'], 'plan');
      forge.requestLog.reset();

      const conversation = await github.readConversation(pr);

      expect(forge.requestLog.countsByRoute()).toEqual({
        'POST /graphql query conversation': 1,
      });
      expect(conversation.pullRequest).toEqual(await github.readPullRequest(pr));
      expect(conversation.statusComment?.body).toBe(`${STATUS_MARKER}\nNow: plan`);
      expect(conversation.statusComment).toEqual(await github.readStatusComment(pr));
      expect(conversation.timeline).toEqual(await github.readTimeline(pr));
      expect(conversation.timeline.map((entry) => entry.kind)).toEqual([
        'labeled',
        'unlabeled',
        'labeled',
      ]);
    });

    it('names the paths the PR changes in the same request when asked, as its file list does', async () => {
      const { forge, github } = await startAdapterForge();
      const pr = await openPull(forge, 'feature', ['state:queued'], {
        'specs/0002-next.md': '# Next\n',
        'src/index.ts': 'export const answer = 43;\n',
      });
      forge.requestLog.reset();

      const asked = await github.readConversation(pr, { withChangedPaths: true });
      const notAsked = await github.readConversation(pr);

      expect(forge.requestLog.countsByRoute()).toEqual({
        'POST /graphql query conversation': 2,
      });
      expect([...(asked.changedPaths ?? [])].sort()).toEqual(
        (await github.listChangedFiles(pr)).map((file) => file.path).sort(),
      );
      expect(asked.changedPaths).toHaveLength(2);
      expect(notAsked.changedPaths).toBeUndefined();
    });

    it('names no paths for a PR that changes more than one reading holds, so they are listed apart', async () => {
      const { forge, github } = await startAdapterForge();
      const files = Object.fromEntries(
        Array.from({ length: 101 }, (_, i) => [`docs/page-${String(i)}.md`, `${String(i)}\n`]),
      );
      const pr = await openPull(forge, 'feature', [], files);

      const { changedPaths } = await github.readConversation(pr, { withChangedPaths: true });

      expect(changedPaths).toBeUndefined();
      expect(await github.listChangedFiles(pr)).toHaveLength(101);
    });

    it('reads a PR GitHub does not know as undefined, with an empty timeline', async () => {
      const { github } = await startAdapterForge();

      expect(await github.readConversation(404)).toEqual({
        pullRequest: undefined,
        timeline: [],
        statusComment: undefined,
      });
    });

    it('names the factory’s bot as REST does, though GraphQL drops the [bot]', async () => {
      const { forge, github } = await startAdapterForge();
      const pr = await openPull(forge, 'feature', ['state:queued']);
      await github.setState(pr, ['state:queued'], 'plan');

      const { timeline } = await github.readConversation(pr);

      expect(timeline.at(-1)).toMatchObject({ kind: 'labeled', actor: FACTORY_LOGIN });
      expect(FACTORY_LOGIN).toMatch(/\[bot\]$/);
    });

    it('has no status comment when the factory has written none', async () => {
      const { forge, github } = await startAdapterForge();
      const pr = await openPull(forge, 'feature');
      await github.comment(pr, 'Just a remark from the factory.');

      expect((await github.readConversation(pr)).statusComment).toBeUndefined();
    });
  },
);

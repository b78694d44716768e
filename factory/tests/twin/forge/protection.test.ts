/**
 * A merge into a protected branch meets the rule or is refused with GitHub's 405 and its message:
 * required status checks successful on the head (and, when branches must be up to date, a head
 * that contains main), enough approvals from people with write access, none of them dismissed as
 * stale by a head that moved since.
 */
import { describe, expect, it } from 'vitest';
import { startForge, type ForgeFixture } from './support/fixture.ts';

async function protectedMain(
  fixture: ForgeFixture,
  rule: {
    contexts?: string[];
    strict?: boolean;
    approvals?: number;
    dismissStale?: boolean;
    lastPushApproval?: boolean;
    codeOwners?: boolean;
    enforceAdmins?: boolean;
  },
): Promise<void> {
  const { client, owner, repo } = fixture;
  await client('octo-owner').rest.repos.updateBranchProtection({
    owner,
    repo,
    branch: 'main',
    required_status_checks:
      rule.contexts === undefined
        ? null
        : { strict: rule.strict ?? false, contexts: rule.contexts },
    enforce_admins: rule.enforceAdmins ?? true,
    required_pull_request_reviews:
      rule.approvals === undefined
        ? null
        : {
            required_approving_review_count: rule.approvals,
            ...(rule.dismissStale === undefined
              ? {}
              : { dismiss_stale_reviews: rule.dismissStale }),
            ...(rule.lastPushApproval === undefined
              ? {}
              : { require_last_push_approval: rule.lastPushApproval }),
            ...(rule.codeOwners === undefined
              ? {}
              : { require_code_owner_reviews: rule.codeOwners }),
          },
    restrictions: null,
  });
}

async function openPull(fixture: ForgeFixture): Promise<{ number: number; head: string }> {
  const number = await fixture.forge.openPullRequest('writer', {
    branch: 'feature',
    files: { 'src/feature.ts': 'export const feature = 1;\n' },
    title: 'A feature',
  });
  const { data } = await fixture.client('writer').rest.pulls.get({
    owner: fixture.owner,
    repo: fixture.repo,
    pull_number: number,
  });
  return { number, head: data.head.sha };
}

function passCi(fixture: ForgeFixture, sha: string, context = 'factory/ci') {
  return fixture.client('writer').rest.repos.createCommitStatus({
    owner: fixture.owner,
    repo: fixture.repo,
    sha,
    context,
    state: 'success',
  });
}

async function mainTip(fixture: ForgeFixture): Promise<string | undefined> {
  return (await fixture.forge.readRefs()).get('refs/heads/main');
}

function mergeAs(fixture: ForgeFixture, login: string, number: number, sha?: string) {
  return fixture.client(login).rest.pulls.merge({
    owner: fixture.owner,
    repo: fixture.repo,
    pull_number: number,
    ...(sha === undefined ? {} : { sha }),
    merge_method: 'squash',
  });
}

/** A protected main, a PR whose head passed CI, then main moving past it. */
async function behindMain(
  rule: Parameters<typeof protectedMain>[1],
): Promise<{ fixture: ForgeFixture; pull: { number: number; head: string } }> {
  const fixture = await startForge();
  await protectedMain(fixture, rule);
  const pull = await openPull(fixture);
  await passCi(fixture, pull.head);
  await fixture.forge.commit('octo-owner', { branch: 'main', files: { 'docs/late.md': 'x\n' } });
  return { fixture, pull };
}

describe('merging into a protected branch', { timeout: 30_000 }, () => {
  it('refuses until every required check passed on the head, with GitHub’s 405 and message', async () => {
    const fixture = await startForge();
    await protectedMain(fixture, { contexts: ['factory/ci'] });
    const pull = await openPull(fixture);
    const mainBefore = (await fixture.forge.readRefs()).get('refs/heads/main');

    await expect(mergeAs(fixture, 'writer', pull.number)).rejects.toMatchObject({
      status: 405,
      response: { data: { message: 'Required status check "factory/ci" is expected.' } },
    });
    const status = {
      owner: fixture.owner,
      repo: fixture.repo,
      sha: pull.head,
      context: 'factory/ci',
    };
    await fixture.client('writer').rest.repos.createCommitStatus({ ...status, state: 'failure' });
    await expect(mergeAs(fixture, 'writer', pull.number)).rejects.toMatchObject({ status: 405 });
    expect((await fixture.forge.readRefs()).get('refs/heads/main')).toBe(mainBefore);

    await fixture.client('writer').rest.repos.createCommitStatus({ ...status, state: 'success' });
    expect((await mergeAs(fixture, 'writer', pull.number)).data.merged).toBe(true);
  });

  it('refuses a head behind main when branches must be up to date, however green, until it contains main', async () => {
    const { fixture, pull } = await behindMain({ contexts: ['factory/ci'], strict: true });
    const mainBefore = await mainTip(fixture);

    await expect(mergeAs(fixture, 'writer', pull.number)).rejects.toMatchObject({
      status: 409,
      response: {
        data: { message: 'Head branch is out of date. Review and try the merge again.' },
      },
    });
    expect(await mainTip(fixture)).toBe(mainBefore);

    const rebased = await fixture.forge.commit('writer', {
      branch: 'feature',
      from: 'main',
      files: { 'src/feature.ts': 'export const feature = 1;\n' },
      force: true,
    });
    await passCi(fixture, rebased.sha);
    expect((await mergeAs(fixture, 'writer', pull.number)).data.merged).toBe(true);
  });

  it('merges a head behind main onto the newer main when the rule does not ask for up to date', async () => {
    const { fixture, pull } = await behindMain({ contexts: ['factory/ci'], strict: false });

    expect((await mergeAs(fixture, 'writer', pull.number)).data.merged).toBe(true);
  });

  it('answers a head moved since `sha` before a head behind main, and lets an admin past the rule when admins are exempt', async () => {
    const { fixture, pull } = await behindMain({
      contexts: ['factory/ci'],
      strict: true,
      enforceAdmins: false,
    });

    await expect(mergeAs(fixture, 'writer', pull.number, '0'.repeat(40))).rejects.toMatchObject({
      status: 409,
      response: { data: { message: 'Head branch was modified. Review and try the merge again.' } },
    });
    await expect(mergeAs(fixture, 'writer', pull.number, pull.head)).rejects.toMatchObject({
      status: 409,
    });
    expect((await mergeAs(fixture, 'octo-owner', pull.number, pull.head)).data.merged).toBe(true);
  });

  it('asks nothing of a head behind main when the rule requires no checks', async () => {
    const fixture = await startForge();
    await protectedMain(fixture, { contexts: [], strict: true });
    const pull = await openPull(fixture);
    await fixture.forge.commit('octo-owner', { branch: 'main', files: { 'docs/late.md': 'x\n' } });

    expect((await mergeAs(fixture, 'writer', pull.number)).data.merged).toBe(true);
  });

  it('counts only approvals by people with write access, each reviewer’s latest review', async () => {
    const fixture = await startForge();
    await protectedMain(fixture, { approvals: 1 });
    const pull = await openPull(fixture);
    const review = (login: string, event: 'APPROVE' | 'REQUEST_CHANGES') =>
      fixture.client(login).rest.pulls.createReview({
        owner: fixture.owner,
        repo: fixture.repo,
        pull_number: pull.number,
        event,
        body: event,
      });
    const refused = {
      status: 405,
      response: {
        data: {
          message: 'At least 1 approving review is required by reviewers with write access.',
        },
      },
    };

    await review('reader', 'APPROVE');
    await expect(mergeAs(fixture, 'writer', pull.number)).rejects.toMatchObject(refused);
    await review('octo-owner', 'APPROVE');
    await review('octo-owner', 'REQUEST_CHANGES');
    await expect(mergeAs(fixture, 'writer', pull.number)).rejects.toMatchObject(refused);
    await review('octo-owner', 'APPROVE');
    expect((await mergeAs(fixture, 'writer', pull.number)).data.merged).toBe(true);
  });

  it.each([
    { dismissStale: true, after: 'DISMISSED' },
    { dismissStale: false, after: 'APPROVED' },
  ])(
    'leaves an approval of an older head $after as the head moves (dismiss stale: $dismissStale); requests for changes stand',
    async ({ dismissStale, after }) => {
      const fixture = await startForge();
      await protectedMain(fixture, { approvals: 1, dismissStale });
      const pull = await openPull(fixture);
      const reviewed = { owner: fixture.owner, repo: fixture.repo, pull_number: pull.number };
      await fixture.client('octo-owner').rest.pulls.createReview({ ...reviewed, event: 'APPROVE' });
      await fixture.client('reader').rest.pulls.createReview({
        ...reviewed,
        event: 'REQUEST_CHANGES',
        body: 'no',
      });

      await fixture.forge.commit('writer', {
        branch: 'feature',
        files: { 'src/feature.ts': 'export const feature = 2;\n' },
      });

      const { data: reviews } = await fixture.client('writer').rest.pulls.listReviews(reviewed);
      expect(reviews.map((review) => review.state)).toEqual([after, 'CHANGES_REQUESTED']);
    },
  );

  it('wants a new approval of the moved head once the rule dismissed the old one, and merges on it', async () => {
    const fixture = await startForge();
    await protectedMain(fixture, { approvals: 1, dismissStale: true });
    const pull = await openPull(fixture);
    const reviewed = { owner: fixture.owner, repo: fixture.repo, pull_number: pull.number };
    await fixture.client('octo-owner').rest.pulls.createReview({ ...reviewed, event: 'APPROVE' });
    const moved = await fixture.forge.commit('writer', {
      branch: 'feature',
      files: { 'src/feature.ts': 'export const feature = 2;\n' },
    });
    const mainBefore = await mainTip(fixture);

    await expect(mergeAs(fixture, 'writer', pull.number)).rejects.toMatchObject({ status: 405 });
    expect(await mainTip(fixture)).toBe(mainBefore);
    await fixture.client('octo-owner').rest.pulls.createReview({
      ...reviewed,
      commit_id: moved.sha,
      event: 'APPROVE',
    });
    expect((await mergeAs(fixture, 'writer', pull.number)).data.merged).toBe(true);
  });

  it('reports the review settings of a rule to its admin', async () => {
    const fixture = await startForge();
    await protectedMain(fixture, {
      approvals: 1,
      dismissStale: true,
      lastPushApproval: true,
      codeOwners: true,
    });

    const { data } = await fixture.client('octo-owner').rest.repos.getBranchProtection({
      owner: fixture.owner,
      repo: fixture.repo,
      branch: 'main',
    });

    expect(data.required_pull_request_reviews).toMatchObject({
      required_approving_review_count: 1,
      dismiss_stale_reviews: true,
      require_last_push_approval: true,
      require_code_owner_reviews: true,
    });
  });

  it('lets an admin bypass a rule that is not enforced for admins', async () => {
    const fixture = await startForge();
    await protectedMain(fixture, { contexts: ['factory/ci'], enforceAdmins: false });
    const pull = await openPull(fixture);

    await expect(mergeAs(fixture, 'writer', pull.number)).rejects.toMatchObject({ status: 405 });
    expect((await mergeAs(fixture, 'octo-owner', pull.number)).data.merged).toBe(true);
  });
});

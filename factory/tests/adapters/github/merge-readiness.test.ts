import { describe, expect, it } from 'vitest';
import {
  dismissStaleApprovalsOnMain,
  openPull,
  pullWithTwoHeads,
  startAdapterForge,
} from './fixture.ts';

describe('GitHub adapter: what the merge judges, in one query (R-07)', { timeout: 60_000 }, () => {
  it('reads main’s tip, the checks on the exact head and the reviews, as the REST verbs do', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const { pr, old, head, run } = await pullWithTwoHeads(fixture);
    await run('lint', head, { conclusion: 'failure' });
    await run('lint', head, { conclusion: 'success' });
    await run('build', head, { status: 'in_progress' });
    await run('types', head, { conclusion: 'timed_out' });
    await run('lint', old, { conclusion: 'failure' });
    const status = (sha: string, state: 'success' | 'failure') =>
      github.setCommitStatus(sha, { context: 'factory/ci', state, description: state });
    await status(head, 'failure');
    await status(head, 'success');
    await status(old, 'failure');
    await github.postReview(pr, old, 'REQUEST_CHANGES', 'Not yet.');
    await github.postReview(pr, head, 'APPROVE', 'Good now.');
    forge.requestLog.reset();

    const readiness = await github.readMergeReadiness(pr, head, 'main');

    expect(forge.requestLog.entries().map((entry) => entry.route)).toEqual([
      'POST /graphql query mergeReadiness',
    ]);
    expect(readiness.branchHead).toBe(await github.readBranchHead('main'));
    // The same facts in any order: the newest result for a name wins by its time, not its place.
    const sorted = (checks: readonly object[]) => checks.map((c) => JSON.stringify(c)).sort();
    expect(sorted(readiness.checks)).toEqual(sorted(await github.readChecks(head)));
    expect(readiness.checks.map((check) => [check.name, check.conclusion]).sort()).toEqual([
      ['build', 'pending'],
      ['factory/ci', 'success'],
      ['lint', 'success'],
      ['types', 'timed_out'],
    ]);
    expect(readiness.reviews).toEqual(await github.listReviews(pr));
    expect(readiness.reviews.map((review) => [review.verdict, review.sha])).toEqual([
      ['REQUEST_CHANGES', old],
      ['APPROVE', head],
    ]);
  });

  it('reads an approval a branch rule dismissed as stale as dismissed, as the REST verb does', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    await dismissStaleApprovalsOnMain(fixture);
    const pr = await openPull(forge, 'feature');
    const approved = (await github.readPullRequest(pr))?.headSha ?? '';
    await github.postReview(pr, approved, 'APPROVE', 'Good.');
    const { sha: head } = await forge.commit('writer', {
      branch: 'feature',
      files: { 'src/later.ts': 'export const later = 1;\n' },
    });

    const readiness = await github.readMergeReadiness(pr, head, 'main');

    expect(readiness.reviews).toEqual(
      (await github.listReviews(pr)).map((review) => ({
        ...review,
        dismissedAsStale: true,
      })),
    );
    expect(readiness.reviews.map((review) => [review.verdict, review.sha])).toEqual([
      ['DISMISSED', approved],
    ]);
  });

  it('reads a review a person dismissed as not dismissed as stale', async () => {
    const fixture = await startAdapterForge();
    const { forge, github, client, repo } = fixture;
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    await github.postReview(pr, head, 'APPROVE', 'Good.');
    await github.postReview(pr, head, 'REQUEST_CHANGES', 'On second thoughts, no.');
    const [approval] = (await client('writer').rest.pulls.listReviews({ ...repo, pull_number: pr }))
      .data;
    await client('writer').rest.pulls.dismissReview({
      ...repo,
      pull_number: pr,
      review_id: approval?.id ?? 0,
      message: 'Hold this until the release is out.',
    });

    const readiness = await github.readMergeReadiness(pr, head, 'main');

    expect(readiness.reviews).toEqual([
      expect.objectContaining({ verdict: 'DISMISSED', sha: head, dismissedAsStale: false }),
      expect.not.objectContaining({ dismissedAsStale: expect.anything() as unknown }),
    ]);
  });

  it('reads a PR with more than 100 reviews over REST, whether a branch rule dismissed them included', async () => {
    const fixture = await startAdapterForge();
    const { forge, github, client, repo } = fixture;
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    for (let i = 0; i < 101; i += 1)
      await github.postReview(pr, head, 'REQUEST_CHANGES', `Note ${String(i)}.`);
    await github.postReview(pr, head, 'APPROVE', 'Good.');
    const reviews = await client('writer').paginate(client('writer').rest.pulls.listReviews, {
      ...repo,
      pull_number: pr,
      per_page: 100,
    });
    await client('writer').rest.pulls.dismissReview({
      ...repo,
      pull_number: pr,
      review_id: reviews.at(-1)?.id ?? 0,
      message: 'Not yet.',
    });

    const readiness = await github.readMergeReadiness(pr, head, 'main');

    expect(readiness.reviews).toHaveLength(102);
    expect(readiness.reviews.at(-1)).toMatchObject({
      verdict: 'DISMISSED',
      dismissedAsStale: false,
    });
  });

  it('has no branch head for a branch that does not exist, and no checks on a bare commit', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';

    expect(await github.readMergeReadiness(pr, head, 'no-such-branch')).toEqual({
      branchHead: undefined,
      checks: [],
      reviews: [],
    });
  });
});

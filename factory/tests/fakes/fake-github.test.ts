/** The fake GitHub the stage tests and the fast chaos world run on behaves as GitHub does here. */
import { describe, expect, it } from 'vitest';
import { createFakeGitHub } from './fake-github.ts';

const FIRST = 'a'.repeat(40);
const MOVED = 'b'.repeat(40);

describe('the fake GitHub', () => {
  it.each([
    { dismissStaleApprovals: true, after: 'DISMISSED' },
    { dismissStaleApprovals: false, after: 'APPROVE' },
  ])(
    'leaves an approval of an older head $after as the head moves (dismiss stale: $dismissStaleApprovals); requests for changes stand',
    async ({ dismissStaleApprovals, after }) => {
      const fake = createFakeGitHub({ dismissStaleApprovals });
      fake.openPullRequest(1, { headSha: FIRST });
      await fake.port.postReview(1, FIRST, 'APPROVE', 'Good.');
      await fake.port.postReview(1, FIRST, 'REQUEST_CHANGES', 'Not yet.');

      fake.pushTo(1, MOVED);

      const reviews = await fake.port.listReviews(1);
      expect(reviews.map((review) => review.verdict)).toEqual([after, 'REQUEST_CHANGES']);
    },
  );
});

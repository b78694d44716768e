import { describe, expect, it } from 'vitest';
import { startForge, type ForgeFixture } from './support/fixture.ts';

const DISMISSALS = /* GraphQL */ `
  query ($owner: String!, $repo: String!, $number: Int!) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        timelineItems(itemTypes: [REVIEW_DISMISSED_EVENT], first: 10) {
          nodes {
            ... on ReviewDismissedEvent {
              actor {
                login
              }
              dismissalMessage
              pullRequestCommit {
                commit {
                  oid
                }
              }
              review {
                state
                author {
                  login
                }
              }
            }
          }
        }
      }
    }
  }
`;

interface DismissalsAnswer {
  repository: { pullRequest: { timelineItems: { nodes: unknown[] } } };
}

/** A PR by `writer`, approved by the owner, as a reviewer's verdict the line could depend on. */
async function approvedPull({ forge, client, owner, repo }: ForgeFixture) {
  const number = await forge.openPullRequest('writer', {
    branch: 'f',
    files: { 'a.txt': 'a' },
    title: 'A',
  });
  const { data: review } = await client('octo-owner').rest.pulls.createReview({
    owner,
    repo,
    pull_number: number,
    event: 'APPROVE',
  });
  return { number, review };
}

async function dismissals(fixture: ForgeFixture, number: number): Promise<unknown[]> {
  const { client, owner, repo } = fixture;
  const answer = await client('reader').graphql<DismissalsAnswer>(DISMISSALS, {
    owner,
    repo,
    number,
  });
  return answer.repository.pullRequest.timelineItems.nodes;
}

describe('forge: a person dismissing a review', { timeout: 30_000 }, () => {
  it('dismisses an approval for a writer, who must say why, and the timeline names them and no commit', async () => {
    const fixture = await startForge();
    const { forge, client, owner, repo } = fixture;
    const { number, review } = await approvedPull(fixture);

    const { data: dismissed } = await client('writer').rest.pulls.dismissReview({
      owner,
      repo,
      pull_number: number,
      review_id: review.id,
      message: 'Not until the migration is reviewed.',
    });

    expect(dismissed).toMatchObject({ id: review.id, state: 'DISMISSED' });
    expect(await dismissals(fixture, number)).toEqual([
      {
        actor: { login: 'writer' },
        dismissalMessage: 'Not until the migration is reviewed.',
        pullRequestCommit: null,
        review: { state: 'DISMISSED', author: { login: 'octo-owner' } },
      },
    ]);
    expect(forge.events.at(-1)).toMatchObject({
      name: 'pull_request_review',
      action: 'dismissed',
      actor: { login: 'writer' },
    });
  });

  it('refuses a reader (403), a commented review (422), a review of another PR (404) and no message (422), changing nothing', async () => {
    const fixture = await startForge();
    const { forge, client, owner, repo } = fixture;
    const { number, review } = await approvedPull(fixture);
    const { data: comment } = await client('octo-owner').rest.pulls.createReview({
      owner,
      repo,
      pull_number: number,
      event: 'COMMENT',
      body: 'A thought.',
    });
    const other = await forge.openPullRequest('writer', {
      branch: 'g',
      files: { 'b.txt': 'b' },
      title: 'B',
    });
    const before = forge.events.length;
    const dismiss = (login: string, pr: number, reviewId: number, message: string) =>
      client(login)
        .rest.pulls.dismissReview({ owner, repo, pull_number: pr, review_id: reviewId, message })
        .catch((error: unknown) => error);

    expect(await dismiss('reader', number, review.id, 'No.')).toMatchObject({ status: 403 });
    expect(await dismiss('writer', number, comment.id, 'No.')).toMatchObject({ status: 422 });
    expect(await dismiss('writer', other, review.id, 'No.')).toMatchObject({ status: 404 });
    expect(await dismiss('writer', number, review.id, '')).toMatchObject({ status: 422 });

    const { data: reviews } = await client('reader').rest.pulls.listReviews({
      owner,
      repo,
      pull_number: number,
    });
    expect(reviews.map((r) => r.state)).toEqual(['APPROVED', 'COMMENTED']);
    expect(await dismissals(fixture, number)).toEqual([]);
    expect(forge.events).toHaveLength(before);
  });

  it('names the pushed commit when a branch rule dismissed an approval as stale', async () => {
    const fixture = await startForge();
    const { forge, client, owner, repo } = fixture;
    await client('octo-owner').rest.repos.updateBranchProtection({
      owner,
      repo,
      branch: 'main',
      required_status_checks: null,
      enforce_admins: true,
      required_pull_request_reviews: { dismiss_stale_reviews: true },
      restrictions: null,
    });
    const { number } = await approvedPull(fixture);

    const { sha } = await forge.commit('writer', { branch: 'f', files: { 'a.txt': 'b' } });

    expect(await dismissals(fixture, number)).toEqual([
      expect.objectContaining({
        pullRequestCommit: { commit: { oid: sha } },
        review: { state: 'DISMISSED', author: { login: 'octo-owner' } },
      }),
    ]);
  });
});

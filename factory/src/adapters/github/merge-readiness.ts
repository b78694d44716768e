/**
 * What the merge judges besides the diff, in one GraphQL query: the tip of the branch it merges
 * into, every check run and commit status on the exact head, and the PR's reviews, with
 * whether a branch rule dismissed those that were dismissed. REST needs five requests for the
 * same. A commit with more than 100 results or a PR with more than 100 reviews is read in full
 * over REST instead, so nothing is judged on part of a list; past 100 dismissals, those after
 * the hundredth say nothing, which the merge reads as not a branch rule's.
 */
import * as z from 'zod';
import type { CheckConclusion, CheckFact } from '../../core/checks.ts';
import { UNKNOWN_COMMIT, type MergeReadiness, type ReviewRecord } from '../../core/ports.ts';
import { readChecks } from './checks.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub } from './errors.ts';
import { Actor, loginOf } from './graphql-actor.ts';
import { isDismissedAsStale } from './dismissals.ts';
import { listIdentifiedReviews, VERDICT_OF, type IdentifiedReview } from './reviews.ts';

const MERGE_READINESS = /* GraphQL */ `
  query mergeReadiness(
    $owner: String!
    $repo: String!
    $number: Int!
    $sha: GitObjectID!
    $branch: String!
  ) {
    repository(owner: $owner, name: $repo) {
      ref(qualifiedName: $branch) {
        target {
          oid
        }
      }
      object(oid: $sha) {
        ... on Commit {
          statusCheckRollup {
            contexts(first: 100) {
              pageInfo {
                hasNextPage
              }
              nodes {
                __typename
                ... on CheckRun {
                  name
                  status
                  conclusion
                  startedAt
                  completedAt
                }
                ... on StatusContext {
                  context
                  state
                  createdAt
                }
              }
            }
          }
        }
      }
      pullRequest(number: $number) {
        reviews(first: 100) {
          pageInfo {
            hasNextPage
          }
          nodes {
            id
            state
            body
            submittedAt
            commit {
              oid
            }
            author {
              __typename
              login
            }
          }
        }
        dismissals: timelineItems(itemTypes: [REVIEW_DISMISSED_EVENT], first: 100) {
          nodes {
            ... on ReviewDismissedEvent {
              dismissalMessage
              pullRequestCommit {
                commit {
                  oid
                }
              }
              review {
                id
              }
            }
          }
        }
      }
    }
  }
`;

const PageInfo = z.object({ hasNextPage: z.boolean() });

const CheckRun = z.object({
  __typename: z.literal('CheckRun'),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});

const StatusContext = z.object({
  __typename: z.literal('StatusContext'),
  context: z.string(),
  state: z.string(),
  createdAt: z.string(),
});

const Review = z.object({
  id: z.string(),
  state: z.string(),
  body: z.string(),
  submittedAt: z.string().nullable(),
  commit: z.object({ oid: z.string() }).nullable(),
  author: Actor,
});

/** A branch rule dismissed the review as stale, or a person did (`dismissals.ts`). */
const ReviewDismissed = z.object({
  dismissalMessage: z.string().nullable(),
  pullRequestCommit: z.object({ commit: z.object({ oid: z.string() }) }).nullable(),
  review: z.object({ id: z.string() }).nullable(),
});

const Answer = z.object({
  repository: z.object({
    ref: z.object({ target: z.object({ oid: z.string() }) }).nullable(),
    object: z
      .object({
        statusCheckRollup: z
          .object({
            contexts: z.object({
              pageInfo: PageInfo,
              nodes: z.array(z.discriminatedUnion('__typename', [CheckRun, StatusContext])),
            }),
          })
          .nullable()
          .optional(),
      })
      .nullable(),
    pullRequest: z.object({
      reviews: z.object({ pageInfo: PageInfo, nodes: z.array(Review) }),
      dismissals: z.object({ nodes: z.array(ReviewDismissed) }),
    }),
  }),
});

const CONCLUSIONS: ReadonlySet<string> = new Set<CheckConclusion>([
  'success',
  'failure',
  'neutral',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
  'stale',
]);

export function readMergeReadiness(
  ctx: GitHubContext,
  pr: number,
  sha: string,
  branch: string,
): Promise<MergeReadiness> {
  return callGitHub('readMergeReadiness', async () => {
    const answer: unknown = await ctx.octokit.graphql(MERGE_READINESS, {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      number: pr,
      sha,
      branch: `refs/heads/${branch}`,
    });
    const { ref, object, pullRequest } = Answer.parse(answer).repository;
    const contexts = object?.statusCheckRollup?.contexts;
    const { reviews } = pullRequest;
    return {
      branchHead: ref?.target.oid,
      checks:
        contexts?.pageInfo.hasNextPage === true
          ? await readChecks(ctx, sha)
          : (contexts?.nodes ?? []).map((node) => checkFact(node, sha)),
      reviews: withDismissals(
        reviews.pageInfo.hasNextPage
          ? await listIdentifiedReviews(ctx, pr)
          : reviews.nodes.flatMap(identifiedReview),
        pullRequest.dismissals.nodes,
      ),
    };
  });
}

/** A check run or status context as a fact on `sha`; anything unfinished is `pending`. */
function checkFact(
  node: z.infer<typeof CheckRun> | z.infer<typeof StatusContext>,
  sha: string,
): CheckFact {
  if (node.__typename === 'StatusContext') {
    const state = node.state.toLowerCase();
    const conclusion: CheckConclusion =
      state === 'success' || state === 'failure' || state === 'error' ? state : 'pending';
    return { name: node.context, sha, conclusion, at: node.createdAt };
  }
  const finished = node.status === 'COMPLETED' ? node.conclusion?.toLowerCase() : undefined;
  // A conclusion the line does not know (e.g. STARTUP_FAILURE) is a failure, never a success.
  const conclusion: CheckConclusion =
    finished === undefined
      ? 'pending'
      : CONCLUSIONS.has(finished)
        ? (finished as CheckConclusion)
        : 'failure';
  return { name: node.name, sha, conclusion, at: node.completedAt ?? node.startedAt ?? '' };
}

/** A submitted or dismissed review, with its node id; a pending review is none. */
export function identifiedReview(review: z.infer<typeof Review>): IdentifiedReview[] {
  const verdict = VERDICT_OF[review.state];
  if (verdict === undefined) return [];
  return [
    {
      id: review.id,
      review: {
        verdict,
        sha: review.commit?.oid ?? UNKNOWN_COMMIT,
        author: loginOf(review.author),
        body: review.body,
        at: review.submittedAt ?? '',
      },
    },
  ];
}

/** Each dismissed review, with whether a branch rule dismissed it, when the timeline says. */
function withDismissals(
  reviews: readonly IdentifiedReview[],
  events: readonly z.infer<typeof ReviewDismissed>[],
): ReviewRecord[] {
  const asStale = new Map<string, boolean>();
  for (const event of events)
    if (event.review !== null)
      asStale.set(
        event.review.id,
        isDismissedAsStale(event.pullRequestCommit, event.dismissalMessage),
      );
  return reviews.map(({ id, review }) => {
    const dismissedAsStale = review.verdict === 'DISMISSED' ? asStale.get(id) : undefined;
    return dismissedAsStale === undefined ? review : { ...review, dismissedAsStale };
  });
}

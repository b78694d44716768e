/**
 * A pull request with its conversation, in one GraphQL query: the PR as a stage re-reads it
 * before acting, its timeline as the attempt counter reads it (design §1,
 * principle 2), and the factory's status comment. REST needs three requests for the same.
 *
 * The timeline keeps state-label moves by anyone, and re-run notes only from the factory's own
 * comments: a note in anyone else's comment is ignored, so a comment can neither forge nor erase
 * an attempt. A person's copy of the status marker is ignored the same way. It keeps a person's
 * dismissal of an approval the line gave, which holds the PR back (`core/hold.ts`), and leaves
 * out a branch rule's dismissal of a stale one (`dismissals.ts`).
 */
import { paginateGraphQL } from '@octokit/plugin-paginate-graphql';
import * as z from 'zod';
import type { TimelineEntry } from '../../core/attempts.ts';
import { isStatusComment, parseRerunNote } from '../../core/notes.ts';
import {
  UNKNOWN_COMMIT,
  type Conversation,
  type ConversationOptions,
  type PullRequestSnapshot,
  type StatusComment,
} from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub } from './errors.ts';
import { graphqlErrorsOf } from './graphql-errors.ts';
import { isDismissedAsStale } from './dismissals.ts';
import { Actor, loginOf } from './graphql-actor.ts';
import { noteLabels } from './node-ids.ts';

/** What the timeline needs of a label move, added or removed (two types with no shared interface). */
const LABEL_MOVE = 'createdAt actor { __typename login } label { name }';

const CONVERSATION = /* GraphQL */ `
  query conversation(
    $owner: String!
    $repo: String!
    $number: Int!
    $cursor: String
    $withChangedPaths: Boolean = false
  ) {
    repository(owner: $owner, name: $repo) {
      labels(first: 100, query: "state:") {
        nodes {
          id
          name
        }
      }
      pullRequest(number: $number) {
        id
        number
        title
        body
        state
        isDraft
        headRefOid
        headRefName
        baseRefName
        isCrossRepository
        author {
          __typename
          login
        }
        labels(first: 100) {
          nodes {
            id
            name
          }
        }
        files(first: 100) @include(if: $withChangedPaths) {
          totalCount
          nodes {
            path
          }
        }
        timelineItems(
          first: 100
          after: $cursor
          itemTypes: [LABELED_EVENT, UNLABELED_EVENT, ISSUE_COMMENT, REVIEW_DISMISSED_EVENT]
        ) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            __typename
            ... on LabeledEvent {
              ${LABEL_MOVE}
            }
            ... on UnlabeledEvent {
              ${LABEL_MOVE}
            }
            ... on IssueComment {
              id
              databaseId
              body
              createdAt
              author {
                __typename
                login
              }
            }
            ... on ReviewDismissedEvent {
              createdAt
              actor {
                __typename
                login
              }
              dismissalMessage
              previousReviewState
              pullRequestCommit {
                commit {
                  oid
                }
              }
              review {
                author {
                  __typename
                  login
                }
                commit {
                  oid
                }
              }
            }
          }
        }
      }
    }
  }
`;

const LabelMove = z.object({
  __typename: z.enum(['LabeledEvent', 'UnlabeledEvent']),
  createdAt: z.string(),
  actor: Actor,
  label: z.object({ name: z.string() }),
});

const Comment = z.object({
  __typename: z.literal('IssueComment'),
  id: z.string(),
  databaseId: z.number(),
  body: z.string(),
  createdAt: z.string(),
  author: Actor,
});

const ReviewDismissed = z.object({
  __typename: z.literal('ReviewDismissedEvent'),
  createdAt: z.string(),
  actor: Actor,
  dismissalMessage: z.string().nullable(),
  previousReviewState: z.string(),
  pullRequestCommit: z.object({ commit: z.object({ oid: z.string() }) }).nullable(),
  review: z.object({ author: Actor, commit: z.object({ oid: z.string() }).nullable() }).nullable(),
});

const Item = z.discriminatedUnion('__typename', [LabelMove, Comment, ReviewDismissed]);

const Label = z.object({ id: z.string(), name: z.string() });

const PullRequest = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  body: z.string(),
  state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
  isDraft: z.boolean(),
  headRefOid: z.string(),
  headRefName: z.string(),
  baseRefName: z.string(),
  isCrossRepository: z.boolean(),
  author: Actor,
  labels: z.object({ nodes: z.array(Label) }),
  files: z
    .object({ totalCount: z.number(), nodes: z.array(z.object({ path: z.string() })) })
    .nullish(),
  timelineItems: z.object({ nodes: z.array(Item) }),
});

const Answer = z.object({
  repository: z.object({
    /** The state labels, for this job's GraphQL label writes (`node-ids.ts`). */
    labels: z.object({ nodes: z.array(Label) }),
    pullRequest: PullRequest,
  }),
});

type Item = z.infer<typeof Item>;

/** The PR, its timeline and its status comment; a PR GitHub does not know reads as `undefined`. */
export async function readConversation(
  ctx: GitHubContext,
  pr: number,
  options: ConversationOptions = {},
): Promise<Conversation> {
  return (await readConversationBack(ctx, pr, options)).conversation;
}

/** What a transition reads back when the outcome of its mutation is unknown (`transition.ts`). */
export interface ConversationReadBack {
  readonly conversation: Conversation;
  /** The factory's own comments, oldest first. */
  readonly factoryComments: readonly { readonly nodeId: string; readonly body: string }[];
}

/** The conversation and the factory's own comments, in the one query. */
export function readConversationBack(
  ctx: GitHubContext,
  pr: number,
  options: ConversationOptions = {},
): Promise<ConversationReadBack> {
  return callGitHub('readConversation', async () => {
    const pull = await queryPullRequest(ctx, pr, options.withChangedPaths === true);
    if (pull === undefined)
      return {
        conversation: { pullRequest: undefined, timeline: [], statusComment: undefined },
        factoryComments: [],
      };
    const items = pull.timelineItems.nodes;
    return {
      conversation: {
        pullRequest: toSnapshot(pull),
        timeline: items.flatMap((item) => toEntries(item, ctx.isFactoryActor)),
        statusComment: statusCommentIn(items, ctx.isFactoryActor),
        changedPaths: allChangedPaths(pull.files),
      },
      factoryComments: items.flatMap((item) =>
        item.__typename === 'IssueComment' && ctx.isFactoryActor(loginOf(item.author))
          ? [{ nodeId: item.id, body: item.body }]
          : [],
      ),
    };
  });
}

/** Label moves, the factory's re-run notes and withdrawn approvals on `pr`, oldest first. */
export async function readTimeline(ctx: GitHubContext, pr: number): Promise<TimelineEntry[]> {
  return [...(await readConversation(ctx, pr)).timeline];
}

/** Every page of the timeline: the plugin re-runs the query with `$cursor` and joins the nodes. */
async function queryPullRequest(
  ctx: GitHubContext,
  pr: number,
  withChangedPaths: boolean,
): Promise<z.infer<typeof PullRequest> | undefined> {
  try {
    const answer: unknown = await paginateGraphQL(ctx.octokit).graphql.paginate(CONVERSATION, {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      number: pr,
      withChangedPaths,
    });
    const { labels, pullRequest } = Answer.parse(answer).repository;
    ctx.nodeIds.pullRequests.set(pullRequest.number, pullRequest.id);
    noteLabels(ctx.nodeIds, [...labels.nodes, ...pullRequest.labels.nodes]);
    const comments = ctx.nodeIds.comments.get(pullRequest.number) ?? new Set();
    for (const item of pullRequest.timelineItems.nodes)
      if (item.__typename === 'IssueComment') comments.add(item.id);
    ctx.nodeIds.comments.set(pullRequest.number, comments);
    return pullRequest;
  } catch (error) {
    if (graphqlErrorsOf(error)?.every((entry) => entry.type === 'NOT_FOUND') === true)
      return undefined;
    throw error;
  }
}

function toSnapshot(pull: z.infer<typeof PullRequest>): PullRequestSnapshot {
  return {
    number: pull.number,
    title: pull.title,
    body: pull.body,
    open: pull.state === 'OPEN',
    merged: pull.state === 'MERGED',
    draft: pull.isDraft,
    headSha: pull.headRefOid,
    headRef: pull.headRefName,
    baseRef: pull.baseRefName,
    author: loginOf(pull.author),
    isFork: pull.isCrossRepository,
    labels: pull.labels.nodes.map((label) => label.name),
  };
}

/** The changed paths, when they came and all of them did (a longer list takes its own request). */
function allChangedPaths(
  files: z.infer<typeof PullRequest>['files'],
): readonly string[] | undefined {
  if (files == null || files.totalCount > files.nodes.length) return undefined;
  return files.nodes.map((file) => file.path);
}

/** The first comment the factory wrote with the status marker. */
function statusCommentIn(
  items: readonly Item[],
  isFactoryActor: (login: string) => boolean,
): StatusComment | undefined {
  for (const item of items) {
    if (item.__typename !== 'IssueComment' || !isFactoryActor(loginOf(item.author))) continue;
    if (isStatusComment(item.body))
      return { id: item.databaseId, nodeId: item.id, body: item.body };
  }
  return undefined;
}

/** One timeline item as zero or one entries. */
function toEntries(item: Item, isFactoryActor: (login: string) => boolean): TimelineEntry[] {
  if (item.__typename === 'ReviewDismissedEvent') return approvalWithdrawn(item, isFactoryActor);
  const actor = loginOf(item.__typename === 'IssueComment' ? item.author : item.actor);
  if (item.__typename !== 'IssueComment') {
    const kind = item.__typename === 'LabeledEvent' ? 'labeled' : 'unlabeled';
    return [{ kind, label: item.label.name, actor, at: item.createdAt }];
  }
  if (!isFactoryActor(actor)) return [];
  const note = parseRerunNote(item.body);
  return note === undefined ? [] : [{ kind: 'rerun', ...note, actor, at: item.createdAt }];
}

/**
 * A person's dismissal of an approval the line gave; any other dismissal is no entry. A branch
 * rule's names the push that made the approval stale, and carries no message, where GitHub makes
 * a person give one: either sign marks it as the rule's.
 */
function approvalWithdrawn(
  item: z.infer<typeof ReviewDismissed>,
  isFactoryActor: (login: string) => boolean,
): TimelineEntry[] {
  const actor = loginOf(item.actor);
  const { review } = item;
  const message = item.dismissalMessage ?? '';
  if (
    isDismissedAsStale(item.pullRequestCommit, message) ||
    item.previousReviewState !== 'APPROVED' ||
    review === null ||
    !isFactoryActor(loginOf(review.author)) ||
    isFactoryActor(actor)
  )
    return [];
  return [
    {
      kind: 'approval-withdrawn',
      sha: review.commit?.oid ?? UNKNOWN_COMMIT,
      message,
      actor,
      at: item.createdAt,
    },
  ];
}

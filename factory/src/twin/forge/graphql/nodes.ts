/**
 * The objects the twin's GraphQL resolves: a repository, its pull requests, their labels,
 * timelines and changed files. Each is a plain object whose fields are values or functions of the
 * field's arguments, which graphql-js's default resolver calls; interface and union members carry
 * `__typename`. Node ids are the ones the REST shapes carry as `node_id`.
 */
import type { Actor } from '../../contract.ts';
import type { Need } from '../auth.ts';
import { findLabel, isPull, labelsOf, type ForgeContext } from '../context.ts';
import { nodeId } from '../render/base.ts';
import { baseTip } from '../pull-model.ts';
import { pullNodeId, type PullIssue } from '../render/pulls.ts';
import type { FileChange } from '../repository.ts';
import type { CommentRecord, IssueEventRecord, LabelRecord, ReviewRecord } from '../store.ts';
import { objectNode, refNode } from './commits.ts';
import { connection, type ConnectionArgs } from './connection.ts';
import { require, type GraphqlContext } from './context.ts';
import { GraphqlRefusal } from './errors.ts';

const READ_PULLS: Need = { access: 'read', scopes: ['pull-requests'] };
const READ_ISSUES: Need = { access: 'read', scopes: ['issues', 'pull-requests'] };

export function repositoryNode(ctx: GraphqlContext, owner: string, name: string) {
  const render = ctx.forge.render;
  if (owner.toLowerCase() !== render.owner.login.toLowerCase() || name !== render.name) {
    throw new GraphqlRefusal({
      type: 'NOT_FOUND',
      message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
    });
  }
  return {
    id: nodeId('R', render.repoId),
    name: render.name,
    nameWithOwner: `${render.owner.login}/${render.name}`,
    pullRequest: ({ number }: { number: number }) => {
      require(ctx, READ_PULLS);
      const issue = ctx.forge.store.issues.get(number);
      if (issue === undefined || !isPull(issue)) {
        throw new GraphqlRefusal({
          type: 'NOT_FOUND',
          message: `Could not resolve to a PullRequest with the number of ${String(number)}.`,
        });
      }
      return pullRequestNode(ctx, issue);
    },
    ref: ({ qualifiedName }: { qualifiedName: string }) => refNode(ctx, qualifiedName),
    object: ({ oid }: { oid?: string | null }) => (oid == null ? null : objectNode(ctx, oid)),
    labels: (args: ConnectionArgs & { query?: string | null }) => {
      require(ctx, READ_ISSUES);
      const query = args.query?.toLowerCase();
      const labels = ctx.forge.store.labels.filter(
        (label) => query == null || label.name.toLowerCase().includes(query),
      );
      return connection(labels.map(labelNode), args);
    },
  };
}

export function pullRequestNode(ctx: GraphqlContext, issue: PullIssue) {
  const { pull } = issue;
  return {
    __typename: 'PullRequest',
    id: pullNodeId(issue.number),
    databaseId: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    state: pull.merged ? 'MERGED' : issue.state.toUpperCase(),
    merged: pull.merged,
    isDraft: pull.draft,
    closed: issue.state === 'closed',
    headRefName: pull.headRef,
    headRefOid: pull.headSha,
    baseRefName: pull.baseRef,
    isCrossRepository: pull.headOwner !== undefined,
    author: actorNode(issue.user),
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    labels: (args: ConnectionArgs) => {
      require(ctx, READ_ISSUES);
      return connection(labelsOf(ctx.forge, issue).map(labelNode), args);
    },
    reviews: (args: ConnectionArgs) => {
      require(ctx, READ_PULLS);
      const reviews = ctx.forge.store.reviews.filter(
        (review) => review.pullNumber === issue.number,
      );
      return connection(reviews.map(reviewNode), args);
    },
    timelineItems: (args: ConnectionArgs & { itemTypes?: readonly string[] | null }) => {
      require(ctx, READ_ISSUES);
      return connection(timelineOf(ctx.forge, issue.number, args.itemTypes ?? undefined), args);
    },
    files: async (args: ConnectionArgs) => {
      require(ctx, READ_PULLS);
      const files = await ctx.forge.repo.diffFiles(await baseTip(ctx.forge, issue), pull.headSha);
      return connection(files.map(changedFileNode), args);
    },
  };
}

const CHANGE_TYPES: Readonly<Record<string, string>> = {
  A: 'ADDED',
  D: 'DELETED',
  M: 'MODIFIED',
  T: 'CHANGED',
  R: 'RENAMED',
};

/** A `PullRequestChangedFile`: a moved file names only its new path, as on GitHub. */
function changedFileNode(file: FileChange) {
  return {
    path: file.path,
    additions: file.additions,
    deletions: file.deletions,
    changeType: CHANGE_TYPES[file.status] ?? 'MODIFIED',
  };
}

function reviewNode(review: ReviewRecord) {
  return {
    id: nodeId('PRR', review.id),
    databaseId: review.id,
    state: review.state,
    body: review.body,
    submittedAt: review.submittedAt,
    author: actorNode(review.user),
    commit: { oid: review.commitId },
  };
}

function labelNode(label: LabelRecord) {
  return {
    id: nodeId('LA', label.id),
    name: label.name,
    color: label.color,
    description: label.description,
  };
}

/**
 * GitHub's GraphQL names a bot without the `[bot]` that REST appends: `github-actions`, where
 * REST says `github-actions[bot]`.
 */
export function actorNode(actor: Actor) {
  return actor.type === 'Bot'
    ? { __typename: 'Bot', login: actor.login.replace(/\[bot\]$/, '') }
    : { __typename: 'User', login: actor.login };
}

type TimelineItemType =
  'LABELED_EVENT' | 'UNLABELED_EVENT' | 'ISSUE_COMMENT' | 'REVIEW_DISMISSED_EVENT';

/** Label moves, comments and dismissed reviews, oldest first; the twin models no other item. */
function timelineOf(forge: ForgeContext, number: number, itemTypes?: readonly string[]) {
  const wanted = (type: TimelineItemType) => itemTypes === undefined || itemTypes.includes(type);
  const items = [
    ...forge.store.issueEvents
      .filter((event) => event.issueNumber === number)
      .flatMap((event) => labelEventNode(forge, event, wanted)),
    ...forge.store.comments
      .filter((comment) => comment.issueNumber === number && wanted('ISSUE_COMMENT'))
      .map(commentNode),
    ...forge.store.reviews
      .filter((review) => review.pullNumber === number && wanted('REVIEW_DISMISSED_EVENT'))
      .flatMap(reviewDismissedNode),
  ];
  return items.sort((a, b) => a.order - b.order).map(({ node }) => node);
}

/** A dismissal names the push that made the review stale, or none when a person dismissed it. */
function reviewDismissedNode(review: ReviewRecord) {
  const { dismissal } = review;
  if (dismissal === undefined) return [];
  return [
    {
      order: dismissal.id,
      node: {
        __typename: 'ReviewDismissedEvent',
        id: nodeId('RDE', dismissal.id),
        createdAt: dismissal.at,
        actor: actorNode(dismissal.actor),
        dismissalMessage: dismissal.message === '' ? null : dismissal.message,
        previousReviewState: dismissal.previous,
        pullRequestCommit:
          dismissal.staleOn === undefined ? null : { commit: { oid: dismissal.staleOn } },
        review: reviewNode(review),
      },
    },
  ];
}

function labelEventNode(
  forge: ForgeContext,
  event: IssueEventRecord,
  wanted: (type: TimelineItemType) => boolean,
) {
  const label = event.label === undefined ? undefined : findLabel(forge, event.label.name);
  if (event.label === undefined) return [];
  if (event.event === 'labeled' && !wanted('LABELED_EVENT')) return [];
  if (event.event === 'unlabeled' && !wanted('UNLABELED_EVENT')) return [];
  if (event.event !== 'labeled' && event.event !== 'unlabeled') return [];
  const __typename = event.event === 'labeled' ? 'LabeledEvent' : 'UnlabeledEvent';
  return [
    {
      order: event.id,
      node: {
        __typename,
        id: nodeId(event.event === 'labeled' ? 'LE' : 'UNLE', event.id),
        createdAt: event.createdAt,
        actor: actorNode(event.actor),
        label: {
          ...(label === undefined ? {} : { id: nodeId('LA', label.id) }),
          name: event.label.name,
          color: event.label.color,
        },
      },
    },
  ];
}

function commentNode(comment: CommentRecord) {
  return {
    order: comment.id,
    node: {
      __typename: 'IssueComment',
      id: nodeId('IC', comment.id),
      databaseId: comment.id,
      body: comment.body,
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
      author: actorNode(comment.user),
    },
  };
}

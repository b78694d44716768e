/**
 * The mutations that write on a pull request's conversation: `addComment`, `updateIssueComment`
 * and `updatePullRequest` (its `labelIds` replace the whole label set, like REST's
 * `PUT …/labels`, but it needs `pull-requests: write` where REST takes `issues: write` too). They leave the same records and events as the REST routes, through the same
 * functions. Objects are named by node id, as GraphQL does.
 */
import { isPull, type ForgeContext } from '../context.ts';
import { nodeId } from '../render/base.ts';
import { pullNodeId, type PullIssue } from '../render/pulls.ts';
import { addComment, editComment } from '../routes/comments.ts';
import { changeLabels } from '../routes/issue-labels.ts';
import { PULLS_WRITE } from '../routes/pulls.ts';
import { submitReview } from '../routes/reviews.ts';
import { causeOf, emitReview } from '../emit.ts';
import { renderReview } from '../render/pulls.ts';
import type { CommentRecord } from '../store.ts';
import { GraphqlRefusal } from './errors.ts';
import { require, type GraphqlContext } from './context.ts';

const WRITE_ISSUES = { access: 'write', scopes: ['issues', 'pull-requests'] } as const;

export function addCommentMutation(
  ctx: GraphqlContext,
  input: { readonly subjectId: string; readonly body: string },
) {
  require(ctx, WRITE_ISSUES);
  const issue = pullByNodeId(ctx.forge, input.subjectId);
  const comment = addComment(ctx.forge, issue, bodyOf(input.body), ctx.grant.actor);
  return {
    clientMutationId: null,
    commentEdge: {
      cursor: comment.id,
      node: { id: nodeId('IC', comment.id), databaseId: comment.id },
    },
    subject: { __typename: 'PullRequest', id: input.subjectId },
  };
}

export function updateIssueCommentMutation(
  ctx: GraphqlContext,
  input: { readonly id: string; readonly body: string },
) {
  require(ctx, WRITE_ISSUES);
  const comment = ctx.forge.store.comments.find(
    (candidate: CommentRecord) => nodeId('IC', candidate.id) === input.id,
  );
  if (comment === undefined) throw unresolved(input.id);
  editComment(ctx.forge, comment, bodyOf(input.body));
  return { clientMutationId: null, issueComment: { id: input.id, databaseId: comment.id } };
}

export async function updatePullRequestMutation(
  ctx: GraphqlContext,
  input: { readonly pullRequestId: string; readonly labelIds?: readonly string[] | null },
) {
  // A pull request's own mutation: unlike REST's issue label routes, `issues: write` is not enough.
  require(ctx, PULLS_WRITE);
  const issue = pullByNodeId(ctx.forge, input.pullRequestId);
  if (input.labelIds != null) {
    const names = input.labelIds.map((id) => {
      const label = ctx.forge.store.labels.find((candidate) => nodeId('LA', candidate.id) === id);
      if (label === undefined) throw unresolved(id);
      return label.name;
    });
    await changeLabels(ctx.forge, issue, names, ctx.grant);
  }
  return { clientMutationId: null, pullRequest: { id: input.pullRequestId, number: issue.number } };
}

/** A review on exactly `commitOID`, refused for the same reasons as REST's (see `submitReview`). */
export async function addPullRequestReviewMutation(
  ctx: GraphqlContext,
  input: {
    readonly pullRequestId: string;
    readonly commitOID?: string | null;
    readonly event?: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT' | 'DISMISS' | null;
    readonly body?: string | null;
  },
) {
  require(ctx, PULLS_WRITE);
  const pull = pullByNodeId(ctx.forge, input.pullRequestId);
  if (input.event == null || input.event === 'DISMISS') {
    throw new GraphqlRefusal({
      type: 'UNPROCESSABLE',
      message: 'The twin forge submits reviews at once: give an event other than DISMISS.',
    });
  }
  const submitted = submitReview(ctx.forge, ctx.settings, pull, ctx.grant, {
    event: input.event,
    body: input.body ?? '',
    commitId: input.commitOID ?? pull.pull.headSha,
  });
  if (submitted.refused !== undefined)
    throw new GraphqlRefusal({ type: 'UNPROCESSABLE', message: submitted.message });
  await emitReview(
    ctx.forge,
    pull,
    renderReview(ctx.forge.render, submitted.review),
    causeOf(ctx.grant),
  );
  return {
    clientMutationId: null,
    pullRequestReview: { id: nodeId('PRR', submitted.review.id), databaseId: submitted.review.id },
  };
}

function pullByNodeId(forge: ForgeContext, id: string): PullIssue {
  for (const issue of forge.store.issues.values())
    if (isPull(issue) && pullNodeId(issue.number) === id) return issue;
  throw unresolved(id);
}

function unresolved(id: string): GraphqlRefusal {
  return new GraphqlRefusal({
    type: 'NOT_FOUND',
    message: `Could not resolve to a node with the global id of '${id}'.`,
  });
}

/** GitHub refuses an empty body, and one over 65,536 characters, as REST does. */
function bodyOf(body: string): string {
  if (body.length === 0 || body.length > 65_536) {
    throw new GraphqlRefusal({
      type: 'UNPROCESSABLE',
      message: 'Body cannot be blank and must be at most 65536 characters.',
    });
  }
  return body;
}

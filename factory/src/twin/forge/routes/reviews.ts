/**
 * Pull request reviews: create, list and dismiss. GitHub refuses an author reviewing their own
 * pull request with APPROVE or REQUEST_CHANGES (422), bots included (github-mechanics §3). Only
 * someone with write permission may dismiss a review, and only an approval or a request for
 * changes; the dismissal, with its message, joins the PR's timeline.
 */
import * as z from 'zod';
import { findPull, numberParam, type ForgeContext, type Route } from '../context.ts';
import { causeOf, emitReview } from '../emit.ts';
import { HttpError, paginate, parseBody, validationFailed } from '../http.ts';
import { renderReview } from '../render/pulls.ts';
import type { TokenGrant } from '../../contract.ts';
import type { PullIssue } from '../render/pulls.ts';
import type { ReviewRecord, ReviewState } from '../store.ts';
import { ACTIONS_NOT_PERMITTED, PULLS_READ, PULLS_WRITE, type PullOptions } from './pulls.ts';

const CreateReview = z.object({
  body: z.string().optional(),
  event: z.enum(['APPROVE', 'REQUEST_CHANGES', 'COMMENT']),
  commit_id: z.string().optional(),
});

const DismissReview = z.object({
  message: z.string().min(1),
  event: z.literal('DISMISS').optional(),
});

const STATE_OF: Record<z.infer<typeof CreateReview>['event'], ReviewState> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

const SELF_REVIEW: Partial<Record<ReviewState, string>> = {
  APPROVED: 'Can not approve your own pull request',
  CHANGES_REQUESTED: 'Can not request changes on your own pull request',
};

export function reviewRoutes(ctx: ForgeContext, options: PullOptions): Route[] {
  const docs = (anchor: string) => `pulls/reviews#${anchor}`;
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      docs: docs('list-reviews-for-a-pull-request'),
      need: PULLS_READ,
      handle: (request) => {
        const doc = docs('list-reviews-for-a-pull-request');
        const pull = findPull(ctx, numberParam(request, 'pull_number', doc), doc);
        const reviews = ctx.store.reviews.filter((review) => review.pullNumber === pull.number);
        const page = paginate(reviews, request.url);
        return {
          status: 200,
          body: page.body.map((r) => renderReview(ctx.render, r)),
          headers: page.headers,
        };
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      docs: docs('create-a-review-for-a-pull-request'),
      // Anyone who can read a repository may review its pull requests; a token needs the scope.
      need: { ...PULLS_WRITE, person: 'read' },
      handle: async (request) => {
        const doc = docs('create-a-review-for-a-pull-request');
        const pull = findPull(ctx, numberParam(request, 'pull_number', doc), doc);
        const input = parseBody(CreateReview, request.body, doc);
        const submitted = submitReview(ctx, options, pull, request.grant, {
          event: input.event,
          body: input.body ?? '',
          commitId: input.commit_id ?? pull.pull.headSha,
        });
        if (submitted.refused === 'body')
          throw validationFailed(doc, [
            { resource: 'PullRequestReview', field: 'body', code: 'missing_field' },
          ]);
        if (submitted.refused !== undefined)
          throw new HttpError(422, 'Unprocessable Entity', {
            docs: doc,
            extra: { errors: [submitted.message] },
          });
        const { review } = submitted;
        const rendered = renderReview(ctx.render, review);
        await emitReview(ctx, pull, rendered, causeOf(request.grant));
        return { status: 200, body: rendered };
      },
    },
    {
      method: 'PUT',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals',
      docs: docs('dismiss-a-review-for-a-pull-request'),
      need: PULLS_WRITE,
      handle: async (request) => {
        const doc = docs('dismiss-a-review-for-a-pull-request');
        const pull = findPull(ctx, numberParam(request, 'pull_number', doc), doc);
        const reviewId = numberParam(request, 'review_id', doc);
        const index = ctx.store.reviews.findIndex(
          (review) => review.id === reviewId && review.pullNumber === pull.number,
        );
        const review = ctx.store.reviews[index];
        if (review === undefined) throw new HttpError(404, 'Not Found', { docs: doc });
        const { message } = parseBody(DismissReview, request.body, doc);
        if (review.state !== 'APPROVED' && review.state !== 'CHANGES_REQUESTED')
          throw new HttpError(422, 'Unprocessable Entity', {
            docs: doc,
            extra: {
              errors: [`Can not dismiss a ${review.state.toLowerCase()} pull request review`],
            },
          });
        const dismissed: ReviewRecord = {
          ...review,
          state: 'DISMISSED',
          dismissal: {
            id: ctx.store.nextId(),
            actor: request.grant.actor,
            message,
            at: ctx.now(),
            previous: review.state,
          },
        };
        ctx.store.reviews[index] = dismissed;
        const rendered = renderReview(ctx.render, dismissed);
        await emitReview(ctx, pull, rendered, causeOf(request.grant), 'dismissed');
        return { status: 200, body: rendered };
      },
    },
  ];
}

export interface ReviewInput {
  readonly event: keyof typeof STATE_OF;
  readonly body: string;
  readonly commitId: string;
}

export type Submitted =
  | { readonly refused?: undefined; readonly review: ReviewRecord }
  | { readonly refused: 'self' | 'actions' | 'body'; readonly message: string };

/**
 * Records a review as REST's POST and GraphQL's `addPullRequestReview` both do, or says why
 * GitHub refuses it: reviewing one's own PR, Actions approving when the setting forbids it, or a
 * rejection without a body. The caller emits the event once it has rendered the review.
 */
export function submitReview(
  ctx: ForgeContext,
  options: PullOptions,
  pull: PullIssue,
  grant: TokenGrant,
  input: ReviewInput,
): Submitted {
  const state = STATE_OF[input.event];
  const selfRefusal = SELF_REVIEW[state];
  if (selfRefusal !== undefined && grant.actor.login === pull.user.login)
    return { refused: 'self', message: selfRefusal };
  if (state === 'APPROVED' && grant.kind === 'default-token' && !options.actionsMayCreateAndApprove)
    return { refused: 'actions', message: ACTIONS_NOT_PERMITTED };
  if (state !== 'APPROVED' && input.body === '')
    return { refused: 'body', message: 'Review body is required.' };
  const review: ReviewRecord = {
    id: ctx.store.nextId(),
    pullNumber: pull.number,
    user: grant.actor,
    body: input.body,
    state,
    commitId: input.commitId,
    submittedAt: ctx.now(),
  };
  ctx.store.reviews.push(review);
  return { review };
}

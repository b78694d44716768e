/** Issue comments: create, list (on one issue, or across the repository), update, delete. */
import * as z from 'zod';
import {
  findIssue,
  numberParam,
  type ForgeContext,
  type Route,
  type RouteRequest,
} from '../context.ts';
import { notFound, paginate, parseBody } from '../http.ts';
import type { Actor } from '../../contract.ts';
import { renderComment } from '../render/issues.ts';
import type { CommentRecord, IssueRecord } from '../store.ts';

const READ = { access: 'read', scopes: ['issues', 'pull-requests'] } as const;
const WRITE = { access: 'write', scopes: ['issues', 'pull-requests'] } as const;
const CommentBody = z.object({ body: z.string().min(1).max(65536) });

export function commentRoutes(ctx: ForgeContext): Route[] {
  const docs = (anchor: string) => `issues/comments#${anchor}`;
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/issues/comments',
      docs: docs('list-issue-comments-for-a-repository'),
      need: READ,
      handle: (request) => {
        const page = paginate(repositoryComments(ctx, request.url), request.url);
        return {
          status: 200,
          body: page.body.map((c) => renderComment(ctx.render, c)),
          headers: page.headers,
        };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      docs: docs('list-issue-comments'),
      need: READ,
      handle: (request) => {
        const doc = docs('list-issue-comments');
        const issue = findIssue(ctx, numberParam(request, 'issue_number', doc), doc);
        const comments = ctx.store.comments.filter(
          (comment) => comment.issueNumber === issue.number,
        );
        const page = paginate(comments, request.url);
        return {
          status: 200,
          body: page.body.map((c) => renderComment(ctx.render, c)),
          headers: page.headers,
        };
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      docs: docs('create-an-issue-comment'),
      need: WRITE,
      handle: (request) => {
        const doc = docs('create-an-issue-comment');
        const issue = findIssue(ctx, numberParam(request, 'issue_number', doc), doc);
        const { body } = parseBody(CommentBody, request.body, doc);
        const comment = addComment(ctx, issue, body, request.grant.actor);
        return { status: 201, body: renderComment(ctx.render, comment) };
      },
    },
    {
      method: 'PATCH',
      path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      docs: docs('update-an-issue-comment'),
      need: WRITE,
      handle: (request) => {
        const doc = docs('update-an-issue-comment');
        const comment = findComment(ctx, request, doc);
        const { body } = parseBody(CommentBody, request.body, doc);
        editComment(ctx, comment, body);
        return { status: 200, body: renderComment(ctx.render, comment) };
      },
    },
    {
      method: 'DELETE',
      path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      docs: docs('delete-an-issue-comment'),
      need: WRITE,
      handle: (request) => {
        const comment = findComment(ctx, request, docs('delete-an-issue-comment'));
        ctx.store.comments.splice(ctx.store.comments.indexOf(comment), 1);
        return { status: 204 };
      },
    },
  ];
}

/**
 * Every comment on the repository's issues and pull requests, as GitHub lists them: `since` keeps
 * those updated at or after it; `sort` (`created`, the default, or `updated`) with `direction`
 * (`asc`, the default, or `desc`) orders them.
 */
function repositoryComments(ctx: ForgeContext, url: URL): CommentRecord[] {
  const since = url.searchParams.get('since');
  const sinceMs = since === null ? Number.NEGATIVE_INFINITY : Date.parse(since);
  const key = url.searchParams.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
  const sign = url.searchParams.get('direction') === 'desc' ? -1 : 1;
  return ctx.store.comments
    .filter((comment) => Date.parse(comment.updatedAt) >= sinceMs)
    .sort((a, b) => sign * (Date.parse(a[key]) - Date.parse(b[key]) || a.id - b.id));
}

function findComment(ctx: ForgeContext, request: RouteRequest, doc: string): CommentRecord {
  const id = numberParam(request, 'comment_id', doc);
  const comment = ctx.store.comments.find((candidate) => candidate.id === id);
  if (comment === undefined) throw notFound(doc);
  return comment;
}

/** Adds a comment to an issue or pull request, as REST's POST and GraphQL's `addComment` do. */
export function addComment(
  ctx: ForgeContext,
  issue: IssueRecord,
  body: string,
  author: Actor,
): CommentRecord {
  const now = ctx.now();
  const comment = {
    id: ctx.store.nextId(),
    issueNumber: issue.number,
    body,
    user: author,
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.comments.push(comment);
  issue.updatedAt = now;
  return comment;
}

export function editComment(ctx: ForgeContext, comment: CommentRecord, body: string): void {
  comment.body = body;
  comment.updatedAt = ctx.now();
}

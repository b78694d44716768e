/** GitHub's shapes for labels, issues, comments and issue events. */
import type { CommentRecord, IssueEventRecord, IssueRecord, LabelRecord } from '../store.ts';
import {
  nodeId,
  renderApp,
  renderUser,
  repoApiUrl,
  repoHtmlUrl,
  type RenderContext,
} from './base.ts';

export function renderLabel(ctx: RenderContext, label: LabelRecord): Record<string, unknown> {
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${repoApiUrl(ctx)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    description: label.description,
    default: false,
  };
}

export function renderIssue(
  ctx: RenderContext,
  issue: IssueRecord,
  labels: readonly LabelRecord[],
  commentCount: number,
): Record<string, unknown> {
  const url = `${repoApiUrl(ctx)}/issues/${issue.number}`;
  const kind = issue.pull === undefined ? 'issues' : 'pull';
  return {
    id: issue.id,
    node_id: nodeId(issue.pull === undefined ? 'I' : 'PR', issue.number),
    url,
    repository_url: repoApiUrl(ctx),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${repoHtmlUrl(ctx)}/${kind}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: null,
    title: issue.title,
    body: issue.body,
    user: renderUser(ctx, issue.user),
    labels: labels.map((label) => renderLabel(ctx, label)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: commentCount,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: ctx.associationOf(issue.user.login),
    ...(issue.pull === undefined
      ? {}
      : {
          pull_request: {
            url: `${repoApiUrl(ctx)}/pulls/${issue.number}`,
            html_url: `${repoHtmlUrl(ctx)}/pull/${issue.number}`,
            diff_url: `${repoHtmlUrl(ctx)}/pull/${issue.number}.diff`,
            patch_url: `${repoHtmlUrl(ctx)}/pull/${issue.number}.patch`,
            merged_at: issue.pull.mergedAt,
          },
        }),
  };
}

export function renderComment(ctx: RenderContext, comment: CommentRecord): Record<string, unknown> {
  return {
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    url: `${repoApiUrl(ctx)}/issues/comments/${comment.id}`,
    html_url: `${repoHtmlUrl(ctx)}/${ctx.isPull(comment.issueNumber) ? 'pull' : 'issues'}/${String(comment.issueNumber)}#issuecomment-${String(comment.id)}`,
    issue_url: `${repoApiUrl(ctx)}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: renderUser(ctx, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: ctx.associationOf(comment.user.login),
    performed_via_github_app: null,
  };
}

/** A `labeled-issue-event`, `unlabeled-issue-event` or `state-change-issue-event`. */
export function renderIssueEvent(
  ctx: RenderContext,
  event: IssueEventRecord,
): Record<string, unknown> {
  return {
    id: event.id,
    node_id: nodeId('LE', event.id),
    url: `${repoApiUrl(ctx)}/issues/events/${event.id}`,
    actor: renderUser(ctx, event.actor),
    event: event.event,
    commit_id: event.commitId,
    commit_url: event.commitId === null ? null : `${repoApiUrl(ctx)}/commits/${event.commitId}`,
    created_at: event.createdAt,
    performed_via_github_app: renderApp(ctx, event.actor, event.tokenKind),
    ...(event.label === undefined ? {} : { label: { ...event.label } }),
  };
}

/** A comment as the timeline shows it (`timeline-comment-event`). */
export function renderTimelineComment(
  ctx: RenderContext,
  comment: CommentRecord,
): Record<string, unknown> {
  return {
    ...renderComment(ctx, comment),
    event: 'commented',
    actor: renderUser(ctx, comment.user),
  };
}

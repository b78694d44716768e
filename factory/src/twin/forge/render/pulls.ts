/** GitHub's shapes for pull requests and reviews. */
import type { IssueRecord, LabelRecord, PullPart, ReviewRecord } from '../store.ts';
import {
  nodeId,
  renderForkRepo,
  renderRepo,
  renderUser,
  repoApiUrl,
  repoHtmlUrl,
  type RenderContext,
} from './base.ts';
import { renderLabel } from './issues.ts';

/** What only git knows about a pull request; computed when a full pull request is rendered. */
export interface PullFacts {
  readonly baseSha: string;
  readonly mergeable: boolean | null;
  readonly commits: number;
  readonly additions: number;
  readonly deletions: number;
  readonly changedFiles: number;
  readonly comments: number;
  readonly reviewComments: number;
}

export type PullIssue = IssueRecord & { readonly pull: PullPart };

/** The stable GraphQL node id of pull request `number` (what `updatePullRequestBranch` takes). */
export function pullNodeId(number: number): string {
  return nodeId('PR', number);
}

/** A `pull-request-simple` (list items). */
export function renderPullSimple(
  ctx: RenderContext,
  issue: PullIssue,
  labels: readonly LabelRecord[],
  baseSha: string,
): Record<string, unknown> {
  const url = `${repoApiUrl(ctx)}/pulls/${issue.number}`;
  const html = `${repoHtmlUrl(ctx)}/pull/${issue.number}`;
  const issueUrl = `${repoApiUrl(ctx)}/issues/${issue.number}`;
  const statuses = `${repoApiUrl(ctx)}/statuses/${issue.pull.headSha}`;
  const branch = (ref: string, sha: string, forkOwner?: string) => ({
    label: `${forkOwner ?? ctx.owner.login}:${ref}`,
    ref,
    sha,
    user: renderUser(ctx, forkOwner === undefined ? ctx.owner : { login: forkOwner, type: 'User' }),
    repo: forkOwner === undefined ? renderRepo(ctx, 0) : renderForkRepo(ctx, forkOwner),
  });
  return {
    url,
    id: issue.id,
    node_id: pullNodeId(issue.number),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoApiUrl(ctx)}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: statuses,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: renderUser(ctx, issue.user),
    body: issue.body,
    labels: labels.map((label) => renderLabel(ctx, label)),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: issue.pull.mergedAt,
    merge_commit_sha: issue.pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branch(issue.pull.headRef, issue.pull.headSha, issue.pull.headOwner),
    base: branch(issue.pull.baseRef, baseSha),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoApiUrl(ctx)}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: statuses },
    },
    author_association: ctx.associationOf(issue.user.login),
    auto_merge: null,
    draft: issue.pull.draft,
  };
}

/** A full `pull-request`. */
export function renderPull(
  ctx: RenderContext,
  issue: PullIssue,
  labels: readonly LabelRecord[],
  facts: PullFacts,
): Record<string, unknown> {
  const mergeableState = (): string => {
    if (issue.pull.merged || issue.state === 'closed') return 'unknown';
    return facts.mergeable === false ? 'dirty' : 'clean';
  };
  return {
    ...renderPullSimple(ctx, issue, labels, facts.baseSha),
    merged: issue.pull.merged,
    mergeable: issue.pull.merged ? null : facts.mergeable,
    rebaseable: issue.pull.merged ? null : facts.mergeable,
    mergeable_state: mergeableState(),
    merged_by: issue.pull.mergedBy === null ? null : renderUser(ctx, issue.pull.mergedBy),
    comments: facts.comments,
    review_comments: facts.reviewComments,
    maintainer_can_modify: false,
    commits: facts.commits,
    additions: facts.additions,
    deletions: facts.deletions,
    changed_files: facts.changedFiles,
  };
}

export function renderReview(ctx: RenderContext, review: ReviewRecord): Record<string, unknown> {
  const pullUrl = `${repoApiUrl(ctx)}/pulls/${review.pullNumber}`;
  const html = `${repoHtmlUrl(ctx)}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: nodeId('PRR', review.id),
    user: renderUser(ctx, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: review.submittedAt,
    commit_id: review.commitId,
    author_association: ctx.associationOf(review.user.login),
  };
}

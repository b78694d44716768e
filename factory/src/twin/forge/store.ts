/**
 * The forge's records, in memory. Git holds the code; everything GitHub keeps beside it
 * (issues, pull requests, labels, comments, reviews, events, checks, statuses, runs) lives here.
 * Routes validate everything first and write last, so a refused or failed call changes nothing.
 */
import type { Actor, TokenKind, WorkflowRunRecord } from '../contract.ts';

export interface LabelRecord {
  readonly id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface PullPart {
  readonly headRef: string;
  /**
   * The login whose fork holds the head branch; absent when the branch is this repository's. A
   * fork's branches are not this repository's refs: its commits are reachable only through
   * `refs/pull/N/head`, as on GitHub.
   */
  readonly headOwner?: string;
  headSha: string;
  baseRef: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: Actor | null;
  mergeCommitSha: string | null;
}

export interface IssueRecord {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string | null;
  readonly user: Actor;
  state: 'open' | 'closed';
  labels: string[];
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  readonly pull?: PullPart;
}

export interface CommentRecord {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly user: Actor;
  readonly createdAt: string;
  updatedAt: string;
}

/** `DISMISSED`: a review a person dismissed, or an approval a branch rule dismissed as stale. */
export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';

/** How a review came to be `DISMISSED`: the timeline's `ReviewDismissedEvent`. */
export interface ReviewDismissal {
  /** From the store's one sequence of ids, so the event takes its place in the timeline. */
  readonly id: number;
  readonly actor: Actor;
  readonly message: string;
  readonly at: string;
  /** What the review said before it was dismissed. */
  readonly previous: ReviewState;
  /** The head whose push made the approval stale; absent when a person dismissed the review. */
  readonly staleOn?: string;
}

export interface ReviewRecord {
  readonly id: number;
  readonly pullNumber: number;
  readonly user: Actor;
  readonly body: string;
  readonly state: ReviewState;
  readonly commitId: string;
  readonly submittedAt: string;
  readonly dismissal?: ReviewDismissal;
}

export type IssueEventName = 'labeled' | 'unlabeled' | 'closed' | 'merged' | 'reopened';

export interface IssueEventRecord {
  readonly id: number;
  readonly issueNumber: number;
  readonly event: IssueEventName;
  readonly actor: Actor;
  readonly tokenKind: TokenKind;
  readonly createdAt: string;
  readonly label?: { readonly name: string; readonly color: string };
  readonly commitId: string | null;
}

export interface CheckRunRecord {
  readonly id: number;
  readonly name: string;
  readonly headSha: string;
  readonly status: 'queued' | 'in_progress' | 'completed';
  readonly conclusion: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly detailsUrl: string | null;
  readonly externalId: string | null;
  readonly output: { title: string | null; summary: string | null; text: string | null };
  /** The bot that created the check run; only Apps (the default token's included) can. */
  readonly app: Actor;
  readonly appKind: TokenKind;
}

export interface StatusRecord {
  readonly id: number;
  readonly sha: string;
  readonly state: 'error' | 'failure' | 'pending' | 'success';
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly creator: Actor;
  readonly createdAt: string;
}

export interface Store {
  readonly labels: LabelRecord[];
  readonly issues: Map<number, IssueRecord>;
  readonly comments: CommentRecord[];
  readonly reviews: ReviewRecord[];
  readonly issueEvents: IssueEventRecord[];
  readonly checkRuns: CheckRunRecord[];
  readonly statuses: StatusRecord[];
  readonly runs: WorkflowRunRecord[];
  /** One id sequence for everything: ids only need to be unique and increasing. */
  nextId(): number;
  nextIssueNumber(): number;
}

export function createStore(): Store {
  let id = 1000;
  let issueNumber = 0;
  return {
    labels: [],
    issues: new Map(),
    comments: [],
    reviews: [],
    issueEvents: [],
    checkRuns: [],
    statuses: [],
    runs: [],
    nextId: () => ++id,
    nextIssueNumber: () => ++issueNumber,
  };
}

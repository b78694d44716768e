/**
 * The ports of the line: what stages need from the world, as interfaces of domain verbs. Adapters
 * implement them (Octokit, git); tests use in-memory fakes. Only plain data crosses these ports.
 */
import type { TimelineEntry } from './attempts.ts';
import type { CheckFact } from './checks.ts';
import type { ChangedFile, Permission } from './guardrails.ts';
import type { StageName } from './line.ts';
import type { State } from './states.ts';
import type { Day } from './status.ts';

export interface RepositoryRef {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
}

/** A pull request as a stage re-reads it before acting. */
export interface PullRequestSnapshot {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly open: boolean;
  readonly merged: boolean;
  readonly draft: boolean;
  readonly headSha: string;
  readonly headRef: string;
  readonly baseRef: string;
  readonly author: string;
  /** The head branch lives in another repository. */
  readonly isFork: boolean;
  readonly labels: readonly string[];
}

export type ReviewVerdict = 'APPROVE' | 'REQUEST_CHANGES';

/** The commit of a review GitHub no longer ties to one; equal to no commit's SHA. */
export const UNKNOWN_COMMIT = '';

export interface ReviewRecord {
  /**
   * `DISMISSED`: a review that stands for nothing any more, such as an approval a branch rule
   * dismissed as stale when the head moved. The line also lets it end what its author said before
   * (GitHub does not document how it weighs that; this is the cautious reading).
   */
  readonly verdict: ReviewVerdict | 'COMMENT' | 'DISMISSED';
  /**
   * The commit the review was given on, or `UNKNOWN_COMMIT` once GitHub no longer knows it (it
   * collects commits a force-push left behind). Such a review still stands: an objection keeps
   * a PR out, and an approval approves no head.
   */
  readonly sha: string;
  readonly author: string;
  readonly body: string;
  readonly at: string;
  /**
   * For a `DISMISSED` review, whether a branch rule dismissed it as a push made it stale (the
   * timeline names the push), as opposed to a person; absent when the timeline did not say.
   */
  readonly dismissedAsStale?: boolean;
}

/** What a stage passes to the next stage's workflow: always the PR and the head it expects. */
export interface StageInputs {
  readonly pr?: number;
  readonly expectedHeadSha?: string;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatus {
  /** e.g. `factory/ci`: the name branch protection requires. */
  readonly context: string;
  readonly state: CommitState;
  readonly description: string;
  readonly targetUrl?: string;
}

export type MergeResult =
  | { readonly merged: true; readonly sha: string }
  /**
   * 409: the head moved after it was tested, or it is behind a main that wants heads up to date;
   * either way the PR goes back, never in.
   */
  | { readonly merged: false; readonly reason: 'head-moved'; readonly message: string }
  /** 405: GitHub refused (conflict, branch protection); the message says why. */
  | { readonly merged: false; readonly reason: 'not-mergeable'; readonly message: string };

/** How GitHub brings a branch up to date on its side: replay its commits, or merge the base in. */
export type ServerUpdateMethod = 'rebase' | 'merge';

export type ServerUpdateResult =
  | { readonly updated: true; readonly headSha: string }
  | {
      readonly updated: false;
      readonly reason: 'conflict' | 'head-moved' | 'refused';
      readonly message: string;
    };

export interface FileAtRef {
  readonly text: string;
  /** Git blob SHA: equal blobs mean identical content. */
  readonly blobSha: string;
}

/** The one status comment per PR, updated in place. */
export interface StatusComment {
  readonly id: number;
  /** GraphQL's id for it, when the reading that found it gave one. */
  readonly nodeId?: string;
  readonly body: string;
}

/** A stage's own word on the PR, published with its transition: a verdict, a CI result. */
export type Announcement =
  | { readonly kind: 'comment'; readonly body: string }
  /** On exactly `sha`, so it cannot be read as judging a later head. */
  | {
      readonly kind: 'review';
      readonly sha: string;
      readonly verdict: ReviewVerdict;
      readonly body: string;
    }
  | { readonly kind: 'commit-status'; readonly sha: string; readonly status: CommitStatus };

/**
 * What carrying out a transition writes on the PR, in this order: the stage's announcement, the
 * status comment, the notes (re-run notes the attempt counter reads), then the state label, last
 * because the next stage re-reads it (R-04: replaced in one write, keeping every other label).
 */
export interface TransitionRecord {
  readonly announcement?: Announcement;
  readonly statusComment: { readonly body: string; readonly existing: StatusComment | undefined };
  readonly notes: readonly string[];
  readonly state?: { readonly currentLabels: readonly string[]; readonly to: State };
}

/**
 * A PR with what was said and done on it (GitHub's Conversation tab): for a job that re-reads the
 * PR before acting and also needs its attempts or its status comment.
 */
export interface Conversation {
  /** `undefined` when GitHub knows no such PR. */
  readonly pullRequest: PullRequestSnapshot | undefined;
  readonly timeline: readonly TimelineEntry[];
  readonly statusComment: StatusComment | undefined;
  /**
   * The paths the PR changes, when asked for (`withChangedPaths`) and GitHub gives them all in
   * the same reading (up to 100); otherwise `undefined`, and `listChangedFiles` has them.
   */
  readonly changedPaths?: readonly string[] | undefined;
}

export interface ConversationOptions {
  /** Also read the paths the PR changes, in the same request (the scheduler's spec lookup). */
  readonly withChangedPaths?: boolean;
}

/** What the merge judges besides the diff, read together (see `readMergeReadiness`). */
export interface MergeReadiness {
  /** Where the branch the PR merges into points now; `undefined` when it does not exist. */
  readonly branchHead: string | undefined;
  /** Every check run and commit status on the head. */
  readonly checks: readonly CheckFact[];
  /** Submitted reviews, oldest first. */
  readonly reviews: readonly ReviewRecord[];
}

/** GitHub, as the line uses it. Every write is one domain verb. */
export interface GitHubPort {
  readonly repository: RepositoryRef;
  /** True for the identities the line itself writes as (default-token bot, App bot). */
  isFactoryActor(login: string): boolean;

  readPullRequest(pr: number): Promise<PullRequestSnapshot | undefined>;
  listOpenPullRequests(): Promise<readonly PullRequestSnapshot[]>;
  /** Label moves, the factory's re-run notes and withdrawn approvals, oldest first. */
  readTimeline(pr: number): Promise<readonly TimelineEntry[]>;
  /** The PR, its timeline and its status comment in one reading (one GraphQL query). */
  readConversation(pr: number, options?: ConversationOptions): Promise<Conversation>;
  listReviews(pr: number): Promise<readonly ReviewRecord[]>;
  listChangedFiles(pr: number): Promise<readonly ChangedFile[]>;
  readChecks(sha: string): Promise<readonly CheckFact[]>;
  /** The tip of `branch`, the checks on `sha` and the PR's reviews, in one reading. */
  readMergeReadiness(pr: number, sha: string, branch: string): Promise<MergeReadiness>;
  readFile(path: string, ref: string): Promise<FileAtRef | undefined>;
  permissionOf(login: string): Promise<Permission>;
  readStatusComment(pr: number): Promise<StatusComment | undefined>;
  /**
   * What each PR's status comment records as spent on `day` (UTC), in dollars, by PR number:
   * the PRs whose status comment was updated since (about) the day began.
   */
  readDaySpend(day: Day): Promise<ReadonlyMap<number, number>>;
  /** The commit a branch points at now; `undefined` when there is no such branch. */
  readBranchHead(branch: string): Promise<string | undefined>;
  /**
   * Runs of a stage's workflow that are queued, waiting or in progress, newest first. `pr` is read
   * from the run's title (`run-name: '<stage> #<pr>'`), since GitHub does not list a run's inputs.
   */
  listActiveRuns(
    stage: StageName,
  ): Promise<readonly { pr: number | undefined; status: string; createdAt: string }[]>;

  /** Replaces every `state:*` label with `to` in one write, keeping all other labels. */
  setState(pr: number, currentLabels: readonly string[], to: State): Promise<void>;
  removeLabel(pr: number, label: string): Promise<void>;
  /** Dispatches a stage's workflow on the default branch (R-01: label writes trigger nothing). */
  dispatch(stage: StageName, inputs: StageInputs): Promise<void>;
  writeStatusComment(pr: number, body: string, existing: StatusComment | undefined): Promise<void>;
  /** The status comment, notes and state label of a transition, in one request where it can. */
  recordTransition(pr: number, record: TransitionRecord): Promise<void>;
  comment(pr: number, body: string): Promise<void>;
  postReview(pr: number, sha: string, verdict: ReviewVerdict, body: string): Promise<void>;
  setCommitStatus(sha: string, status: CommitStatus): Promise<void>;
  /** Squash-merges only if the head is still exactly `sha`. */
  mergeExactly(pr: number, sha: string, title: string): Promise<MergeResult>;
  /** GitHub's server-side branch update (GraphQL `updatePullRequestBranch`). */
  updateOnServer(
    pr: number,
    expectedHeadSha: string,
    method: ServerUpdateMethod,
  ): Promise<ServerUpdateResult>;
}

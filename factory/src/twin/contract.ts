/**
 * The seam between the twin's forge (GitHub's REST API over a real git repository) and its runner
 * (GitHub Actions semantics). The forge owns every record; the runner asks it for job tokens,
 * listens to its events and files its workflow runs with it, exactly as Actions does with GitHub.
 */

/** Who a token speaks for. GitHub applies its trigger rules by this (github-mechanics §1). */
export type TokenKind = 'user' | 'default-token' | 'app';

export type Permission = 'admin' | 'write' | 'read' | 'none';

/** Scopes a job's token may carry; mirrors the `permissions:` keys the factory's workflows use. */
export type TokenScope =
  'actions' | 'checks' | 'contents' | 'issues' | 'pull-requests' | 'statuses' | 'workflows';

export type TokenScopes = Partial<Record<TokenScope, 'read' | 'write'>>;

export interface Actor {
  readonly login: string;
  readonly type: 'User' | 'Bot';
}

export interface TokenGrant {
  readonly token: string;
  readonly actor: Actor;
  readonly kind: TokenKind;
  /** Undefined for a person's token: a user's repository permission decides instead. */
  readonly scopes?: TokenScopes;
  /** A job token's serial number, which the runner records on the job: requests name their job. */
  readonly jobTokenId?: number;
}

export type ForgeEventName =
  | 'pull_request'
  | 'pull_request_target'
  | 'pull_request_review'
  | 'push'
  | 'workflow_dispatch'
  | 'repository_dispatch'
  | 'schedule';

/** A webhook-shaped event, with who caused it and through which kind of token. */
export interface ForgeEvent {
  readonly name: ForgeEventName;
  /** `labeled`, `synchronize`, … for events that have one. */
  readonly action?: string;
  /** The webhook payload GitHub would deliver (the runner writes it to `GITHUB_EVENT_PATH`). */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly actor: Actor;
  readonly tokenKind: TokenKind;
  /**
   * The ref whose workflow files the event runs with: a branch, or for an event about a PR its
   * test merge `refs/pull/N/merge`.
   */
  readonly ref: string;
  readonly sha: string;
  /**
   * An event about a PR that conflicts with its base: GitHub keeps no test merge for it and starts
   * no `pull_request` run (`pull_request_target` runs, from the base).
   */
  readonly mergeConflict?: boolean;
}

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'action_required';

export type RunConclusion =
  'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;

/** What the runner files with the forge so `GET /actions/runs` shows it like GitHub does. */
export interface WorkflowRunRecord {
  readonly id: number;
  readonly name: string;
  /** The run's title (`run-name:` evaluated); GitHub's `display_title`. Defaults to `name`. */
  readonly displayTitle?: string;
  /** `.github/workflows/<file>.yml` */
  readonly path: string;
  readonly event: ForgeEventName;
  readonly headBranch: string;
  readonly headSha: string;
  readonly actor: Actor;
  readonly status: RunStatus;
  readonly conclusion: RunConclusion;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The part of the forge the runner uses. */
export interface RunnerHost {
  /** Loopback base URL of the REST API (the runner sets `GITHUB_API_URL` to it). */
  readonly apiUrl: string;
  /** Git URL of the repository, for checkout (credentials go in a header, never in the URL). */
  readonly gitUrl: string;
  readonly repository: { readonly owner: string; readonly name: string };
  /** Mints a job token as Actions does for `GITHUB_TOKEN`, scoped by `permissions:`. */
  issueJobToken(scopes: TokenScopes): TokenGrant;
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (event: ForgeEvent) => void): () => void;
  createRun(run: Omit<WorkflowRunRecord, 'id' | 'createdAt' | 'updatedAt'>): WorkflowRunRecord;
  updateRun(id: number, patch: Pick<WorkflowRunRecord, 'status' | 'conclusion'>): WorkflowRunRecord;
}

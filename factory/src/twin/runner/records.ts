/**
 * What the runner records about every run, job and step, so tests can assert which workflows ran,
 * in what order, with which token. The runner hands out copies; these shapes are the public view.
 */
import type {
  Actor,
  ForgeEventName,
  RunConclusion,
  RunStatus,
  TokenKind,
  TokenScopes,
} from '../contract.ts';

export type StepConclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepRecord {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  /** Before `continue-on-error`; `conclusion` is after it. */
  outcome: StepConclusion | null;
  conclusion: StepConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  /**
   * When the step's own process was spawned (a `run:` script or a node action): the twin's own
   * measure, which GitHub does not publish. Null for other steps.
   */
  processStartedAt: string | null;
  /** Stdout and stderr, with every secret and `::add-mask::` value replaced by `***`. */
  log: string;
}

export type JobConclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out';

export interface JobRecord {
  /** The job's key under `jobs:` (`<caller>/<called>` inside a reusable workflow). */
  key: string;
  /** The check name GitHub shows (`name:` or the key; `<caller job> / <called job>` when called). */
  name: string;
  /** `waiting` means held by a concurrency group. */
  status: 'queued' | 'waiting' | 'in_progress' | 'completed';
  conclusion: JobConclusion | null;
  token: {
    readonly kind: TokenKind;
    readonly actor: Actor;
    readonly scopes: TokenScopes;
    readonly jobTokenId?: number;
  } | null;
  concurrencyGroup: string | null;
  startedAt: string | null;
  completedAt: string | null;
  outputs: Record<string, string>;
  steps: StepRecord[];
  /** `$GITHUB_STEP_SUMMARY` of all steps, masked. */
  summary: string;
  /** Why the job failed before or outside its steps (bad `uses:`, expression error, timeout). */
  error: string | null;
}

export interface RunRecord {
  id: number;
  name: string;
  /** The run's title: `run-name:` evaluated, else the workflow's name. */
  displayTitle: string;
  path: string;
  event: ForgeEventName;
  action: string | null;
  headBranch: string;
  headSha: string;
  actor: Actor;
  /** The kind of token that caused the event. */
  triggeredBy: TokenKind;
  status: RunStatus;
  conclusion: RunConclusion;
  /** Why the run waits (`action_required`) or was cancelled by a concurrency group. */
  reason: string | null;
  inputs: Record<string, string | boolean | number>;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  jobs: JobRecord[];
  artifacts: string[];
}

/** An event the runner could not turn into runs (a bad workflow file, a bad dispatch). */
export interface RunnerProblem {
  readonly event: ForgeEventName;
  readonly path: string | null;
  readonly message: string;
}

/**
 * What a session returns: data a stage routes on, never prose. Every field is something the
 * runtime measured or validated itself.
 */
import type { Role } from '../core/config.ts';
import type { TokenUsage } from './budget.ts';
import type { Submission } from './submissions.ts';
import type { CommandRun } from './tools/run.ts';

export const STOP_REASONS = [
  'submitted',
  'budget-spent',
  'no-submission',
  'invalid-output',
  'model-unavailable',
  'spend-limit',
] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export interface AgentOutcome {
  readonly role: Role;
  readonly stopReason: StopReason;
  /** Why, in a sentence a person can act on. */
  readonly detail: string;
  /** The validated submission; present exactly when `stopReason` is `submitted`. */
  readonly submission: Submission | undefined;
  readonly model: string;
  readonly usage: TokenUsage;
  /**
   * Cost of `usage` at the configured list price of `model`, plus each request that got no answer
   * at the most it could cost (it may have been billed all the same, R-16).
   */
  readonly dollars: number;
  /** Model calls that returned a message; retried failures are not turns. */
  readonly turns: number;
  /**
   * 429/529/5xx answers and requests that got no answer (a failed or timed-out connection), which
   * the SDK retried or gave up on, counted apart from turns. A session's own abort is not one.
   */
  readonly transientErrors: number;
  readonly wallMs: number;
  /** Commands the `run` tool executed, in order. */
  readonly commands: readonly CommandRun[];
  /** Reasons each rejected submission was refused. */
  readonly rejectedSubmissions: readonly string[];
  /** Why `run` was unavailable, when it was (the sandbox could not be built). */
  readonly sandboxProblem: string | undefined;
  readonly transcriptPath: string;
}

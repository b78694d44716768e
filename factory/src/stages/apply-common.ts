/**
 * What every apply job does around its own work: re-read the PR and stand down if it moved
 * refuse an artifact made on another head, and at the end record the attempt in the
 * status comment and carry out the transition.
 */
import { attemptFacts } from '../core/attempts.ts';
import type { FactoryConfig } from '../core/config.ts';
import { checkStillCurrent } from '../core/current.ts';
import { transition, type LineEvent } from '../core/line.ts';
import type { GitHubPort, PullRequestSnapshot, StatusComment } from '../core/ports.ts';
import { parseLedger, recordAttempt, type Ledger } from '../core/status.ts';
import type { WorkingState } from '../core/states.ts';
import type { AgentArtifact } from './agent-artifact.ts';
import { carryOut } from './carry-out.ts';
import { outcomeOf, type StageOutcome } from './outcome.ts';

export interface ApplyInput {
  readonly pr: number;
  readonly expectedHeadSha: string;
  /** The parsed artifact; `undefined` when it was malformed or missing. */
  readonly artifact: AgentArtifact | undefined;
  /** False when the agent job left no artifact at all: it crashed before finishing. */
  readonly artifactFound: boolean;
  readonly runUrl?: string;
}

export interface ApplyDeps {
  readonly github: GitHubPort;
  readonly config: FactoryConfig;
}

export type Begun =
  | {
      readonly kind: 'current';
      readonly pr: PullRequestSnapshot;
      readonly ledger: Ledger;
      readonly status: { readonly comment: StatusComment | undefined };
    }
  | { readonly kind: 'stood-down'; readonly outcome: StageOutcome };

/** Re-reads the PR; only a PR still in `stage` at the artifact's head goes on. */
export async function beginApply(
  github: GitHubPort,
  stage: WorkingState,
  input: ApplyInput,
): Promise<Begun> {
  const pr = await github.readPullRequest(input.pr);
  const currency = checkStillCurrent(pr, stage, input.expectedHeadSha);
  const standDown = (reason: string): Begun => ({
    kind: 'stood-down',
    outcome: { kind: 'stood-down', pr: input.pr, reason },
  });
  if (pr === undefined || !currency.current)
    return standDown(currency.current ? 'PR not found' : currency.reason);
  if (input.artifact !== undefined && input.artifact.headSha !== pr.headSha)
    return standDown('the agent worked on an older head');
  const comment = await github.readStatusComment(pr.number);
  return { kind: 'current', pr, ledger: parseLedger(comment?.body), status: { comment } };
}

/** The event for an artifact that says nothing usable: crashed, malformed, or stopped. */
export function missingArtifactEvent(input: ApplyInput): LineEvent | undefined {
  if (!input.artifactFound) return { type: 'attempt-failed', reason: 'stage-crashed' };
  if (input.artifact === undefined) return { type: 'attempt-failed', reason: 'invalid-output' };
  return undefined;
}

export interface SettleInput {
  readonly pr: PullRequestSnapshot;
  readonly stage: WorkingState;
  readonly event: LineEvent;
  readonly ledger: Ledger;
  /** One line for the status comment. */
  readonly result: string;
  readonly artifact: AgentArtifact | undefined;
  readonly runUrl?: string;
  readonly announce?: () => Promise<void>;
  /** The status comment as `beginApply` read it. */
  readonly status?: { readonly comment: StatusComment | undefined };
}

/** Records the attempt, then carries out the transition the event leads to. */
export async function settle(deps: ApplyDeps, input: SettleInput): Promise<StageOutcome> {
  const { github, config } = deps;
  const { pr, stage } = input;
  const facts = attemptFacts(
    await github.readTimeline(pr.number),
    (login) => github.isFactoryActor(login),
    config,
  );
  const next = transition(stage, input.event, facts);
  const ledger = recordAttempt(input.ledger, stage, {
    result: input.result,
    tokens: tokensOf(input.artifact),
    dollars: input.artifact?.dollars ?? 0,
    ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
  });
  const result = await carryOut({
    github,
    pr,
    from: stage,
    transition: next,
    ledger,
    headSha: pr.headSha,
    ...(input.announce === undefined ? {} : { announce: input.announce }),
    ...(input.status === undefined ? {} : { status: input.status }),
  });
  return result.kind === 'stood-down'
    ? { kind: 'stood-down', pr: pr.number, reason: result.reason }
    : outcomeOf(pr.number, next);
}

export function tokensOf(artifact: AgentArtifact | undefined): number {
  const usage = artifact?.usage;
  return usage === undefined ? 0 : usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
}

/** A failed attempt or a stop, in words for the status comment. */
export function describeEvent(event: LineEvent, artifact: AgentArtifact | undefined): string {
  const detail =
    artifact?.detail === undefined || artifact.detail === '' ? '' : `: ${artifact.detail}`;
  if (event.type === 'attempt-failed') return `no usable result (${event.reason})${detail}`;
  if (event.type === 'blocked') return `stopped: ${event.reason} — ${event.detail}`;
  return event.type;
}

/**
 * What every apply job does around its own work: re-read the PR and stand down if it moved
 * refuse an artifact made on another head, and at the end record the attempt in the
 * status comment and carry out the transition.
 *
 * An apply job reads the PR, its status comment and its label timeline once, at the start, in one
 * request: every later decision of the job works from that reading, and only a job that did slow work since
 * (a clone, a rebase) reads the PR again before it writes.
 */
import { attemptFacts, type TimelineEntry } from '../core/attempts.ts';
import type { FactoryConfig } from '../core/config.ts';
import { checkStillCurrent } from '../core/current.ts';
import { transition, type LineEvent } from '../core/line.ts';
import type {
  Announcement,
  GitHubPort,
  PullRequestSnapshot,
  StatusComment,
} from '../core/ports.ts';
import { parseLedger, recordAttempt, recordFeedback, type Ledger } from '../core/status.ts';
import type { WorkingState } from '../core/states.ts';
import { readSubmission, type AgentArtifact, type SubmissionOf } from './agent-artifact.ts';
import { today, type Clock } from './clock.ts';
import type { Spend } from './spent-before-crash.ts';
import { carryOut } from './carry-out.ts';
import { outcomeOf, type StageOutcome } from './outcome.ts';

export interface ApplyInput {
  readonly pr: number;
  readonly expectedHeadSha: string;
  /** The parsed artifact; `undefined` when it was malformed or missing. */
  readonly artifact: AgentArtifact | undefined;
  /** False when the agent job left no artifact at all: it crashed before finishing. */
  readonly artifactFound: boolean;
  /** What the session spent when it left no usable artifact, from its transcript's usage. */
  readonly spentBeforeCrash?: Spend;
  readonly runUrl?: string;
}

/** The clock tells the UTC day an attempt's spend is recorded on. */
export interface ApplyDeps extends Clock {
  readonly github: GitHubPort;
  readonly config: FactoryConfig;
}

/** The reading an apply job that goes on works from. */
export interface Current {
  readonly kind: 'current';
  readonly pr: PullRequestSnapshot;
  readonly ledger: Ledger;
  readonly status: { readonly comment: StatusComment | undefined };
  /** The PR's timeline: settling counts attempts from it, and the merge reads holds in it. */
  readonly timeline: readonly TimelineEntry[];
}

export type Begun = Current | { readonly kind: 'stood-down'; readonly outcome: StageOutcome };

/**
 * Re-reads the PR with its timeline and status comment (one request); only a PR still in `stage`
 * at the artifact's head goes on.
 */
export async function beginApply(
  github: GitHubPort,
  stage: WorkingState,
  input: ApplyInput,
): Promise<Begun> {
  const { pullRequest, statusComment: comment, timeline } = await github.readConversation(input.pr);
  const read = currentOrStandDown(pullRequest, stage, input);
  if (read.kind === 'stood-down') return read;
  const { pr } = read;
  return { kind: 'current', pr, ledger: parseLedger(comment?.body), status: { comment }, timeline };
}

type CurrentRead =
  | { readonly kind: 'current'; readonly pr: PullRequestSnapshot }
  | Extract<Begun, { kind: 'stood-down' }>;

/** Reads the PR again; see `currentOrStandDown`. */
export async function readCurrentPullRequest(
  github: GitHubPort,
  stage: WorkingState,
  input: Pick<ApplyInput, 'pr' | 'expectedHeadSha' | 'artifact'>,
): Promise<CurrentRead> {
  return currentOrStandDown(await github.readPullRequest(input.pr), stage, input);
}

/**
 * Only a PR still in `stage` at the expected head, and at the artifact's head when there is an
 * artifact, goes on.
 */
function currentOrStandDown(
  pr: PullRequestSnapshot | undefined,
  stage: WorkingState,
  input: Pick<ApplyInput, 'pr' | 'expectedHeadSha' | 'artifact'>,
): CurrentRead {
  const currency = checkStillCurrent(pr, stage, input.expectedHeadSha);
  const standDown = (reason: string) => ({
    kind: 'stood-down' as const,
    outcome: { kind: 'stood-down' as const, pr: input.pr, reason },
  });
  if (pr === undefined || !currency.current)
    return standDown(currency.current ? 'PR not found' : currency.reason);
  if (input.artifact !== undefined && input.artifact.headSha !== pr.headSha)
    return standDown('the agent worked on an older head');
  return { kind: 'current', pr };
}

/** The event for an artifact that says nothing usable: crashed, malformed, or stopped. */
export function missingArtifactEvent(input: ApplyInput): LineEvent | undefined {
  if (!input.artifactFound) return { type: 'attempt-failed', reason: 'stage-crashed' };
  if (input.artifact === undefined) return { type: 'attempt-failed', reason: 'invalid-output' };
  return undefined;
}

/** The PR as a job last read it. */
export interface Reading {
  readonly pr: PullRequestSnapshot;
  /**
   * True when the job did nothing but read since it read `pr` (a verdict, a CI result, a push
   * just read back): the writes then go ahead on that reading. After slower work (a clone, a
   * rebase) the PR is read again before the first write.
   */
  readonly readJustNow?: boolean;
}

export interface SettleInput extends Reading {
  readonly stage: WorkingState;
  readonly event: LineEvent;
  readonly ledger: Ledger;
  /** One line for the status comment. */
  readonly result: string;
  readonly artifact: AgentArtifact | undefined;
  /** Counted as the attempt's spend when there is no artifact (see `ApplyInput`). */
  readonly spentBeforeCrash?: Spend | undefined;
  readonly runUrl?: string;
  readonly announcement?: Announcement;
  /** The status comment as `beginApply` read it. */
  readonly status?: { readonly comment: StatusComment | undefined };
  /** The label timeline as `beginApply` read it. */
  readonly timeline?: readonly TimelineEntry[] | undefined;
}

type Settler = (event: LineEvent, result: string, at?: Reading) => Promise<StageOutcome>;

/** The roles whose submission the apply job lands on the branch, and the event it then settles. */
const LANDED = { planner: 'plan-submitted', implementer: 'work-submitted' } as const;
type SubmittingRole = keyof typeof LANDED;

/** Where a submitting stage's apply job stands once it has read the PR and the artifact. */
export type SubmissionStart<R extends SubmittingRole> =
  | { readonly kind: 'settled'; readonly outcome: StageOutcome }
  | {
      readonly kind: 'submitted';
      readonly begun: Current;
      readonly submission: SubmissionOf<R>;
      /** Settles the attempt from the job's first reading unless given a later one. */
      readonly settleWith: Settler;
    };

/**
 * The start every apply job of a stage whose agent submits work (a plan, a patch) shares: read the
 * PR and stand down if it moved, then settle at once an artifact that holds no valid submission.
 */
export async function beginSubmission<R extends SubmittingRole>(
  deps: ApplyDeps,
  stage: WorkingState,
  input: ApplyInput,
  role: R,
): Promise<SubmissionStart<R>> {
  const begun = await beginApply(deps.github, stage, input);
  if (begun.kind === 'stood-down') return { kind: 'settled', outcome: begun.outcome };
  const settleWith: Settler = (event, result, at = { pr: begun.pr, readJustNow: true }) =>
    settle(deps, {
      ...at,
      timeline: begun.timeline,
      stage,
      status: begun.status,
      event,
      // Only a submission that landed answers the feedback this attempt was given: after a failed
      // attempt the next one still needs it. The stage after a submission adds its own.
      ledger: event.type === LANDED[role] ? recordFeedback(begun.ledger, undefined) : begun.ledger,
      result,
      artifact: input.artifact,
      spentBeforeCrash: input.spentBeforeCrash,
      ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
    });
  const settleFailed = async (event: LineEvent) =>
    ({
      kind: 'settled',
      outcome: await settleWith(event, describeEvent(event, input.artifact)),
    }) as const;
  const missing = missingArtifactEvent(input);
  if (missing !== undefined) return settleFailed(missing);
  const reading = readSubmission(input.artifact, role);
  if (reading.kind === 'event') return settleFailed(reading.event);
  return { kind: 'submitted', begun, submission: reading.value, settleWith };
}

/** Records the attempt, then carries out the transition the event leads to. */
export async function settle(deps: ApplyDeps, input: SettleInput): Promise<StageOutcome> {
  const { github, config } = deps;
  const { pr, stage } = input;
  const facts = attemptFacts(
    input.timeline ?? (await github.readTimeline(pr.number)),
    (login) => github.isFactoryActor(login),
    config,
  );
  const next = transition(stage, input.event, facts);
  const spent = spendOf(input.artifact, input.spentBeforeCrash);
  const ledger = recordAttempt(input.ledger, stage, {
    result: input.result,
    ...spent,
    day: today(deps),
    ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
  });
  const result = await carryOut({
    github,
    pr,
    from: stage,
    transition: next,
    ledger,
    headSha: pr.headSha,
    ...(input.announcement === undefined ? {} : { announcement: input.announcement }),
    ...(input.status === undefined ? {} : { status: input.status }),
    ...(input.readJustNow === true ? { fresh: pr } : {}),
  });
  return result.kind === 'stood-down'
    ? { kind: 'stood-down', pr: pr.number, reason: result.reason }
    : outcomeOf(pr.number, next);
}

/** What an attempt spent: its artifact's count, else what its transcript showed before it died. */
export function spendOf(
  artifact: AgentArtifact | undefined,
  spentBeforeCrash: Spend | undefined,
): Spend {
  return artifact === undefined
    ? (spentBeforeCrash ?? { tokens: 0, dollars: 0 })
    : { tokens: tokensOf(artifact), dollars: artifact.dollars };
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

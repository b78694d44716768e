/**
 * The apply half of the two review stages. The reviewer's session ran in a read-only job; this
 * job validates its verdict, publishes it (a PR review for code, a comment for the plan), records
 * the spend, and moves the PR on or back. An invalid or missing verdict is a failed attempt.
 */
import { attemptFacts } from '../core/attempts.ts';
import type { FactoryConfig } from '../core/config.ts';
import { checkStillCurrent } from '../core/current.ts';
import { transition, type LineEvent } from '../core/line.ts';
import type { GitHubPort, PullRequestSnapshot } from '../core/ports.ts';
import { escapeAgentText } from '../core/notes.ts';
import { parseLedger, recordAttempt, recordFeedback } from '../core/status.ts';
import type { VerdictSubmission } from '../agent/submissions.ts';
import { readSubmission, type AgentArtifact } from './agent-artifact.ts';
import { carryOut } from './carry-out.ts';
import { outcomeOf, type StageOutcome } from './outcome.ts';

export type ReviewStage = 'plan-review' | 'code-review';

export interface VerdictInput {
  readonly stage: ReviewStage;
  readonly pr: number;
  readonly expectedHeadSha: string;
  /** The parsed artifact of the agent job; `undefined` when it was missing or malformed. */
  readonly artifact: AgentArtifact | undefined;
  readonly runUrl?: string;
}

const ROLE_OF = { 'plan-review': 'plan-reviewer', 'code-review': 'code-reviewer' } as const;

export async function applyVerdict(
  deps: { github: GitHubPort; config: FactoryConfig },
  input: VerdictInput,
): Promise<StageOutcome> {
  const { github, config } = deps;
  const pr = await github.readPullRequest(input.pr);
  const currency = checkStillCurrent(pr, input.stage, input.expectedHeadSha);
  if (pr === undefined || !currency.current) {
    return {
      kind: 'stood-down',
      pr: input.pr,
      reason: currency.current ? 'PR not found' : currency.reason,
    };
  }
  if (input.artifact !== undefined && input.artifact.headSha !== pr.headSha) {
    return { kind: 'stood-down', pr: pr.number, reason: 'the review was made on an older head' };
  }

  const reading = readSubmission(input.artifact, ROLE_OF[input.stage]);
  const event = reading.kind === 'submitted' ? eventOf(input.stage, reading.value) : reading.event;
  const facts = attemptFacts(
    await github.readTimeline(pr.number),
    (login) => github.isFactoryActor(login),
    config,
  );
  const next = transition(input.stage, event, facts);
  const comment = await github.readStatusComment(pr.number);
  const attempted = recordAttempt(parseLedger(comment?.body), input.stage, {
    result:
      reading.kind === 'submitted'
        ? `${reading.value.verdict}: ${reading.value.summary}`
        : describeFailure(event),
    tokens: tokensOf(input.artifact),
    dollars: input.artifact?.dollars ?? 0,
    ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
  });
  // Objections travel to the next session of the author (planner or implementer) in the ledger.
  const ledger =
    reading.kind === 'submitted' && reading.value.verdict === 'REQUEST_CHANGES'
      ? recordFeedback(attempted, {
          kind: 'review',
          from: input.stage,
          text: renderVerdict(input.stage, reading.value),
        })
      : attempted;

  // Published only once carryOut has re-read the PR and found it still current.
  const announce =
    reading.kind === 'submitted'
      ? () => publish(github, pr, input.stage, reading.value)
      : undefined;
  const result = await carryOut({
    github,
    pr,
    from: input.stage,
    transition: next,
    ledger,
    headSha: pr.headSha,
    ...(announce === undefined ? {} : { announce }),
    status: { comment },
  });
  return result.kind === 'stood-down'
    ? { kind: 'stood-down', pr: pr.number, reason: result.reason }
    : outcomeOf(pr.number, next);
}

function eventOf(stage: ReviewStage, verdict: VerdictSubmission): LineEvent {
  const approved = verdict.verdict === 'APPROVE';
  if (stage === 'plan-review')
    return { type: approved ? 'plan-approved' : 'plan-changes-requested' };
  return { type: approved ? 'code-approved' : 'code-changes-requested' };
}

/** Code verdicts become PR reviews on the exact head (the merge guardrail reads them back). */
async function publish(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  stage: ReviewStage,
  verdict: VerdictSubmission,
): Promise<void> {
  const body = renderVerdict(stage, verdict);
  if (stage === 'code-review')
    await github.postReview(pr.number, pr.headSha, verdict.verdict, body);
  else await github.comment(pr.number, body);
}

export function renderVerdict(stage: ReviewStage, verdict: VerdictSubmission): string {
  const objections = verdict.objections.map(
    (objection) => `- **${objection.severity}** \`${objection.location}\`: ${objection.message}`,
  );
  // The reviewer's words are published under the factory's name: never let them carry a marker.
  return escapeAgentText(
    [
      `#### ${stage === 'plan-review' ? 'Plan review' : 'Code review'}: ${verdict.verdict === 'APPROVE' ? '✅ APPROVE' : '✋ REQUEST_CHANGES'}`,
      '',
      verdict.summary,
      ...(objections.length === 0 ? [] : ['', ...objections]),
    ].join('\n'),
  );
}

function describeFailure(event: LineEvent): string {
  if (event.type === 'attempt-failed') return `no valid verdict (${event.reason})`;
  return event.type === 'blocked' ? `stopped: ${event.reason}` : event.type;
}

function tokensOf(artifact: AgentArtifact | undefined): number {
  const usage = artifact?.usage;
  return usage === undefined ? 0 : usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
}

/**
 * The apply half of the two review stages. The reviewer's session ran in a read-only job; this
 * job validates its verdict, publishes it (a PR review for code, a comment for the plan), records
 * the spend, and moves the PR on or back. An invalid or missing verdict is a failed attempt.
 */
import type { LineEvent } from '../core/line.ts';
import type { Announcement, PullRequestSnapshot } from '../core/ports.ts';
import { escapeAgentText } from '../core/notes.ts';
import { recordFeedback } from '../core/status.ts';
import type { VerdictSubmission } from '../agent/submissions.ts';
import { readSubmission } from './agent-artifact.ts';
import {
  beginApply,
  describeEvent,
  missingArtifactEvent,
  settle,
  type ApplyDeps,
  type ApplyInput,
} from './apply-common.ts';
import type { StageOutcome } from './outcome.ts';

export type ReviewStage = 'plan-review' | 'code-review';

export interface VerdictInput extends ApplyInput {
  readonly stage: ReviewStage;
}

const ROLE_OF = { 'plan-review': 'plan-reviewer', 'code-review': 'code-reviewer' } as const;

export async function applyVerdict(deps: ApplyDeps, input: VerdictInput): Promise<StageOutcome> {
  const begun = await beginApply(deps.github, input.stage, input);
  if (begun.kind === 'stood-down') return begun.outcome;
  const { pr } = begun;
  const reading = readSubmission(input.artifact, ROLE_OF[input.stage]);
  const event =
    missingArtifactEvent(input) ??
    (reading.kind === 'submitted' ? eventOf(input.stage, reading.value) : reading.event);
  const verdict = reading.kind === 'submitted' ? reading.value : undefined;
  // Objections travel to the next session of the author (planner or implementer) in the ledger.
  const ledger =
    verdict?.verdict === 'REQUEST_CHANGES'
      ? recordFeedback(begun.ledger, {
          kind: 'review',
          from: input.stage,
          text: renderVerdict(input.stage, verdict),
        })
      : begun.ledger;
  return settle(deps, {
    pr,
    readJustNow: true,
    stage: input.stage,
    status: begun.status,
    timeline: begun.timeline,
    event,
    ledger,
    result:
      verdict === undefined
        ? describeEvent(event, input.artifact)
        : `${verdict.verdict}: ${verdict.summary}`,
    artifact: input.artifact,
    spentBeforeCrash: input.spentBeforeCrash,
    // Published only once the transition is carried out on a PR still current.
    ...(verdict === undefined ? {} : { announcement: announcementOf(pr, input.stage, verdict) }),
    ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
  });
}

function eventOf(stage: ReviewStage, verdict: VerdictSubmission): LineEvent {
  const approved = verdict.verdict === 'APPROVE';
  if (stage === 'plan-review')
    return { type: approved ? 'plan-approved' : 'plan-changes-requested' };
  return { type: approved ? 'code-approved' : 'code-changes-requested' };
}

/** Code verdicts become PR reviews on the exact head (the merge guardrail reads them back). */
function announcementOf(
  pr: PullRequestSnapshot,
  stage: ReviewStage,
  verdict: VerdictSubmission,
): Announcement {
  const body = renderVerdict(stage, verdict);
  return stage === 'code-review'
    ? { kind: 'review', sha: pr.headSha, verdict: verdict.verdict, body }
    : { kind: 'comment', body };
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

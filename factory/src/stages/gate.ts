/**
 * The implementation-ci stage (the gate): code, no agent. The workflow runs the project's CI on the
 * exact head SHA; this publishes the result as a commit status on that SHA — checks of dispatched
 * runs are invisible to branch protection, a status is not — and moves the PR on or back.
 */
import type { LineEvent } from '../core/line.ts';
import { recordFeedback } from '../core/status.ts';
import { beginApply, settle, type ApplyDeps } from './apply-common.ts';
import type { StageOutcome } from './outcome.ts';

/** The commit status the gate publishes; require it in branch protection. */
export const CI_STATUS_CONTEXT = 'factory/ci';

export type CiConclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface GateInput {
  readonly pr: number;
  readonly expectedHeadSha: string;
  /** The commit CI checked out and ran on. */
  readonly ciSha: string;
  readonly ciConclusion: CiConclusion;
  readonly runUrl?: string;
}

export async function runGate(deps: ApplyDeps, input: GateInput): Promise<StageOutcome> {
  const begun = await beginApply(deps.github, 'implementation-ci', {
    ...input,
    artifact: undefined,
    artifactFound: true,
  });
  if (begun.kind === 'stood-down') return begun.outcome;
  const { pr } = begun;
  if (input.ciSha !== pr.headSha) {
    return {
      kind: 'stood-down',
      pr: pr.number,
      reason: `CI ran on ${input.ciSha.slice(0, 7)}, not on the head ${pr.headSha.slice(0, 7)}`,
    };
  }

  // Only a success is green (R-07): a skipped run is a failure. A cancelled run tested nothing,
  // so the gate runs again (bounded) rather than charging the implementer an attempt.
  const green = input.ciConclusion === 'success';
  const description = green
    ? 'CI passed on this exact commit'
    : `CI ${input.ciConclusion} on this exact commit`;
  const event: LineEvent =
    input.ciConclusion === 'cancelled'
      ? { type: 'attempt-failed', reason: 'stage-crashed' }
      : { type: green ? 'ci-passed' : 'ci-failed' };
  return settle(deps, {
    pr,
    readJustNow: true,
    stage: 'implementation-ci',
    status: begun.status,
    timeline: begun.timeline,
    event,
    ledger:
      event.type === 'ci-failed'
        ? recordFeedback(begun.ledger, {
            kind: 'ci',
            from: 'implementation-ci',
            text: `The project's CI failed on ${pr.headSha}${input.runUrl === undefined ? '' : ` (${input.runUrl})`}. Run the project checks, read the failures and fix them.`,
          })
        : begun.ledger,
    result: `${green ? '🟢' : '🔴'} ${description} (${pr.headSha.slice(0, 7)})`,
    artifact: undefined,
    announcement: {
      kind: 'commit-status',
      sha: pr.headSha,
      status: {
        context: CI_STATUS_CONTEXT,
        state: green ? 'success' : 'failure',
        description,
        ...(input.runUrl === undefined ? {} : { targetUrl: input.runUrl }),
      },
    },
    ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
  });
}

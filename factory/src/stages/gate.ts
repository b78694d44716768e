/**
 * The implementation-ci stage (the gate): code, no agent. The workflow runs the project's CI on the
 * exact head SHA; this publishes the result as a commit status on that SHA — checks of dispatched
 * runs are invisible to branch protection, a status is not — and moves the PR on or back.
 */
import { attemptFacts } from '../core/attempts.ts';
import type { FactoryConfig } from '../core/config.ts';
import { checkStillCurrent } from '../core/current.ts';
import { transition, type LineEvent } from '../core/line.ts';
import type { GitHubPort } from '../core/ports.ts';
import { parseLedger, recordAttempt, recordFeedback } from '../core/status.ts';
import { carryOut } from './carry-out.ts';
import { outcomeOf, type StageOutcome } from './outcome.ts';

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

export async function runGate(
  deps: { github: GitHubPort; config: FactoryConfig },
  input: GateInput,
): Promise<StageOutcome> {
  const { github, config } = deps;
  const pr = await github.readPullRequest(input.pr);
  const currency = checkStillCurrent(pr, 'implementation-ci', input.expectedHeadSha);
  if (pr === undefined || !currency.current) {
    return {
      kind: 'stood-down',
      pr: input.pr,
      reason: currency.current ? 'PR not found' : currency.reason,
    };
  }
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
  const publish = () =>
    github.setCommitStatus(pr.headSha, {
      context: CI_STATUS_CONTEXT,
      state: green ? 'success' : 'failure',
      description,
      ...(input.runUrl === undefined ? {} : { targetUrl: input.runUrl }),
    });
  const event: LineEvent =
    input.ciConclusion === 'cancelled'
      ? { type: 'attempt-failed', reason: 'stage-crashed' }
      : { type: green ? 'ci-passed' : 'ci-failed' };

  const facts = attemptFacts(
    await github.readTimeline(pr.number),
    (login) => github.isFactoryActor(login),
    config,
  );
  const next = transition('implementation-ci', event, facts);
  const comment = await github.readStatusComment(pr.number);
  const attempted = recordAttempt(parseLedger(comment?.body), 'implementation-ci', {
    result: `${green ? '🟢' : '🔴'} ${description} (${pr.headSha.slice(0, 7)})`,
    tokens: 0,
    dollars: 0,
    ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
  });
  const ledger =
    event.type === 'ci-failed'
      ? recordFeedback(attempted, {
          kind: 'ci',
          from: 'implementation-ci',
          text: `The project's CI failed on ${pr.headSha}${input.runUrl === undefined ? '' : ` (${input.runUrl})`}. Run the project checks, read the failures and fix them.`,
        })
      : attempted;
  const result = await carryOut({
    github,
    pr,
    from: 'implementation-ci',
    transition: next,
    ledger,
    headSha: pr.headSha,
    announce: publish,
    status: { comment },
  });
  return result.kind === 'stood-down'
    ? { kind: 'stood-down', pr: pr.number, reason: result.reason }
    : outcomeOf(pr.number, next);
}

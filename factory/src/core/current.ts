/**
 * "Re-read, don't trust the event" (design §3). Before it acts, and again before its first write,
 * a stage checks that the PR is still open, still in its stage with exactly one state label, and
 * still at the head it was dispatched for. If not, it stands down quietly.
 */
import type { PullRequestSnapshot } from './ports.ts';
import { statesIn, type State } from './states.ts';

export type Currency =
  { readonly current: true } | { readonly current: false; readonly reason: string };

export function checkStillCurrent(
  pr: PullRequestSnapshot | undefined,
  state: State,
  expectedHeadSha: string | undefined,
): Currency {
  if (pr === undefined) return { current: false, reason: 'the pull request no longer exists' };
  if (!pr.open) return { current: false, reason: `PR #${pr.number} is closed` };
  const states = statesIn(pr.labels);
  if (states.length !== 1 || states[0] !== state) {
    const now = states.length === 0 ? 'no state label' : states.map((s) => `state:${s}`).join(', ');
    return {
      current: false,
      reason: `PR #${pr.number} is no longer in state:${state} (now ${now})`,
    };
  }
  if (expectedHeadSha !== undefined && pr.headSha !== expectedHeadSha) {
    return {
      current: false,
      reason: `PR #${pr.number} head moved from ${expectedHeadSha.slice(0, 7)} to ${pr.headSha.slice(0, 7)}`,
    };
  }
  return { current: true };
}

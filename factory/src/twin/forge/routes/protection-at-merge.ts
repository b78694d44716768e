/**
 * What a classic branch protection rule asks of a merge into its branch, checked as GitHub's merge
 * API does: each required status check successful on the head (a commit status or a check run of
 * that name), and enough approving reviews from people with write access. The latest review of
 * each reviewer counts; a read-only reviewer's approval does not (GitHub shows it grey). An admin
 * bypasses the rule unless it is enforced for admins. "Require branches to be up to date"
 * (`strict`) refuses a head that does not contain its base's tip with a 409, as GitHub's merge
 * API does ("Head branch is out of date"). A dismissed approval counts for nothing (`stale-approvals.ts`).
 * Not modelled (stored for `factory doctor` only): code owners' approval, and approval of the latest
 * push by someone other than its pusher.
 */
import type { Actor, TokenGrant } from '../../contract.ts';
import type { ForgeContext } from '../context.ts';
import { HttpError } from '../http.ts';
import type { PullIssue } from '../render/pulls.ts';
import type { ReviewRecord } from '../store.ts';
import type { ProtectionRecord } from './repo-settings.ts';

const DOCS = 'https://docs.github.com/articles/about-protected-branches';

export const HEAD_OUT_OF_DATE = 'Head branch is out of date. Review and try the merge again.';

/**
 * Throws GitHub's refusal for the first requirement `pull` does not meet: a 409 for a head behind
 * a base that wants heads up to date (`headIsBehind`: it lacks the base's tip), else a 405.
 */
export function assertProtectionMet(
  ctx: ForgeContext,
  rule: ProtectionRecord | undefined,
  pull: PullIssue,
  grant: TokenGrant,
  headIsBehind: boolean,
): void {
  if (rule === undefined) return;
  const admin = grant.kind === 'user' && ctx.auth.permissionOf(grant.actor.login) === 'admin';
  if (admin && !rule.enforceAdmins) return;
  const checks = rule.requiredStatusChecks;
  // A head behind its base was not tested against it, however green its own checks are.
  if (checks?.strict === true && headIsBehind && checks.contexts.length > 0)
    throw new HttpError(409, HEAD_OUT_OF_DATE, { docs: DOCS });
  for (const context of checks?.contexts ?? []) {
    if (!passed(ctx, pull.pull.headSha, context))
      throw new HttpError(405, `Required status check "${context}" is expected.`, { docs: DOCS });
  }
  const needed = rule.requiredApprovingReviews;
  if (approvals(ctx, pull) < needed) {
    const reviews = needed === 1 ? 'review is' : 'reviews are';
    throw new HttpError(
      405,
      `At least ${String(needed)} approving ${reviews} required by reviewers with write access.`,
      { docs: DOCS },
    );
  }
}

function passed(ctx: ForgeContext, sha: string, context: string): boolean {
  const status = ctx.store.statuses.findLast(
    (record) => record.sha === sha && record.context === context,
  );
  const run = ctx.store.checkRuns.findLast(
    (record) => record.headSha === sha && record.name === context,
  );
  // A check run that ended neutral or skipped satisfies a required check, as on GitHub.
  const ran = run?.conclusion ?? '';
  return status?.state === 'success' || ['success', 'neutral', 'skipped'].includes(ran);
}

/** Reviewers whose latest review approves: people with write access, and the Actions bot. */
function approvals(ctx: ForgeContext, pull: PullIssue): number {
  const latest = new Map<string, ReviewRecord>();
  for (const review of ctx.store.reviews)
    if (review.pullNumber === pull.number && review.state !== 'COMMENTED')
      latest.set(review.user.login, review);
  return [...latest.values()].filter(
    (review) => review.state === 'APPROVED' && withWriteAccess(ctx, review.user),
  ).length;
}

/** The default token's bot reviews with the token's `pull-requests: write`. */
function withWriteAccess(ctx: ForgeContext, user: Actor): boolean {
  if (user.type === 'Bot') return true;
  const permission = ctx.auth.permissionOf(user.login);
  return permission === 'admin' || permission === 'write';
}

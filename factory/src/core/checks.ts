/**
 * Whether the required checks are green on one exact commit. GitHub shows two kinds of
 * results, check runs and commit statuses; both are reduced to `CheckFact`s by the adapter. Only a
 * success on the head SHA itself is green: skipped, cancelled, neutral (unless the policy allows it),
 * pending, missing and results for an older SHA are not.
 */

export type CheckConclusion =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required'
  | 'stale'
  | 'error'
  | 'pending';

export interface CheckFact {
  /** Check-run name or commit-status context, e.g. `factory/ci`. */
  readonly name: string;
  readonly sha: string;
  readonly conclusion: CheckConclusion;
  /** ISO time the result was reported; the newest result for a name wins, as on GitHub. */
  readonly at: string;
}

export type CheckProblem = 'missing' | 'stale-sha' | 'not-success';

export interface CheckFinding {
  readonly name: string;
  readonly problem: CheckProblem;
  readonly conclusion?: CheckConclusion;
}

export interface GreenPolicy {
  /** GitHub's branch protection accepts neutral; the line does not unless a team opts in. */
  readonly neutralIsGreen?: boolean;
}

/** Every required check that is not green on `headSha`, with what is wrong with it. */
export function findUngreenChecks(
  checks: readonly CheckFact[],
  requiredNames: readonly string[],
  headSha: string,
  policy: GreenPolicy = {},
): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const name of new Set(requiredNames)) {
    const onHead = latest(checks.filter((check) => check.name === name && check.sha === headSha));
    if (onHead === undefined) {
      const elsewhere = checks.some((check) => check.name === name);
      findings.push({ name, problem: elsewhere ? 'stale-sha' : 'missing' });
    } else if (!isPassing(onHead.conclusion, policy)) {
      findings.push({ name, problem: 'not-success', conclusion: onHead.conclusion });
    }
  }
  return findings;
}

/** True only when every required check has a passing result on exactly `headSha`. */
export function isGreen(
  checks: readonly CheckFact[],
  requiredNames: readonly string[],
  headSha: string,
  policy: GreenPolicy = {},
): boolean {
  return (
    requiredNames.length > 0 &&
    findUngreenChecks(checks, requiredNames, headSha, policy).length === 0
  );
}

/** Describes findings for a person, e.g. `factory/ci: skipped; lint: missing`. */
export function describeFindings(findings: readonly CheckFinding[]): string {
  return findings
    .map(({ name, problem, conclusion }) =>
      problem === 'not-success' ? `${name}: ${conclusion ?? 'unknown'}` : `${name}: ${problem}`,
    )
    .join('; ');
}

function isPassing(conclusion: CheckConclusion, policy: GreenPolicy): boolean {
  return conclusion === 'success' || (conclusion === 'neutral' && policy.neutralIsGreen === true);
}

/**
 * The result that decides a check: the newest by time. Times are compared as instants, not as
 * text (GitHub mixes precisions), and on a tie a non-success wins, so doubt is never green.
 */
function latest(checks: readonly CheckFact[]): CheckFact | undefined {
  return checks.reduce<CheckFact | undefined>((decisive, check) => {
    if (decisive === undefined) return check;
    const order = Date.parse(check.at) - Date.parse(decisive.at);
    if (order !== 0) return order > 0 ? check : decisive;
    return decisive.conclusion === 'success' ? check : decisive;
  }, undefined);
}

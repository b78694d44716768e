/**
 * The apply half of the plan stage: validate the planner's submission, commit the plan to the PR
 * branch (`plans/NNNN-name.md`, where the implementer and reviewers read it), and move the PR to
 * plan review. An invalid or missing plan is a failed attempt and writes nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkPlanChanges } from '../core/guardrails.ts';
import type { PullRequestSnapshot } from '../core/ports.ts';
import { escapeAgentText } from '../core/notes.ts';
import type { PlanSubmission } from '../agent/submissions.ts';
import { beginSubmission, type ApplyDeps, type ApplyInput } from './apply-common.ts';
import type { StageOutcome } from './outcome.ts';
import { planPathOf } from './plan-path.ts';
import {
  FACTORY_AUTHOR,
  pushRefusal,
  pushToPullRequest,
  readPushedHead,
  type Workbench,
} from './workbench.ts';

export async function applyPlan(
  deps: ApplyDeps & { readonly workbench: Workbench },
  input: ApplyInput,
): Promise<StageOutcome> {
  const start = await beginSubmission(deps, 'plan', input, 'planner');
  if (start.kind === 'settled') return start.outcome;
  const { begun, submission, settleWith } = start;
  const { pr } = begun;
  const specPath = begun.ledger.spec?.path;
  if (specPath === undefined) {
    const event = {
      type: 'blocked',
      reason: 'state-lost',
      detail: 'The status comment names no queued spec.',
    } as const;
    return settleWith(event, event.detail);
  }

  const pushed = await commitPlan(deps, pr, planPathOf(specPath), submission);
  if (pushed.kind === 'stood-down')
    return { kind: 'stood-down', pr: pr.number, reason: pushed.reason };
  // After a clone and a commit: read the PR again before writing.
  if (pushed.kind === 'event')
    return settleWith(pushed.event, pushed.result, { pr, readJustNow: false });
  return settleWith(
    { type: 'plan-submitted' },
    `plan committed: ${submission.summary}`,
    await readPushedHead(deps.github, pr, pushed.sha),
  );
}

/**
 * Commits the plan and pushes it, unless it carries secret-looking text or passes the size limits:
 * the merge would refuse it for that, after the implementation had been paid for.
 */
async function commitPlan(
  deps: ApplyDeps & { readonly workbench: Workbench },
  pr: PullRequestSnapshot,
  planPath: string,
  plan: PlanSubmission,
): Promise<{ kind: 'pushed'; sha: string } | ReturnType<typeof pushRefusal>> {
  const git = await deps.workbench.checkoutHead(pr);
  const file = join(git.dir, planPath);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderPlan(plan));
  const [refusal] = checkPlanChanges((await git.diffAgainst(pr.headSha)).files, deps.config);
  if (refusal !== undefined)
    return {
      kind: 'event',
      event: { type: 'blocked', reason: refusal.code, detail: refusal.reason },
      result: refusal.reason,
    };
  const commit = await git.commitAll({
    message: `Plan for ${planPath.replace(/^plans\//, '')}\n\n${plan.summary}`,
    author: FACTORY_AUTHOR,
  });
  if (commit.kind === 'nothing-to-commit') return { kind: 'pushed', sha: pr.headSha };
  const pushed = await pushToPullRequest(git, pr);
  return pushed.kind === 'pushed' ? pushed : pushRefusal(pr, pushed, 'the plan was committed');
}

/** The plan as committed: the planner's Markdown, with the files it expects to touch. */
export function renderPlan(plan: PlanSubmission): string {
  const files = plan.files.map((path) => `- \`${path}\``).join('\n');
  return `${escapeAgentText(plan.markdown.trim())}\n\n## Files\n\n${files}\n`;
}

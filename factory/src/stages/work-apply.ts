/**
 * The apply half of the implementation stage. The implementer's changes arrive as a patch from a
 * read-only job; this job trusts none of it: it applies the patch to a fresh checkout of the PR
 * head, re-checks exactly what it changes against the protected paths, the size limits and
 * the secret scan, and only then commits, pushes with a lease and hands the PR to CI. A refused
 * patch parks with zero pushes; an empty or broken one is a failed attempt.
 */
import type { LineEvent } from '../core/line.ts';
import { checkPatchChanges } from '../core/guardrails.ts';
import type { PullRequestSnapshot } from '../core/ports.ts';
import type { Git } from '../adapters/git/index.ts';
import type { WorkSubmission } from '../agent/submissions.ts';
import { beginSubmission, type ApplyDeps, type ApplyInput } from './apply-common.ts';
import type { StageOutcome } from './outcome.ts';
import {
  FACTORY_AUTHOR,
  pushRefusal,
  pushToPullRequest,
  readPushedHead,
  type Workbench,
} from './workbench.ts';

export interface WorkApplyInput extends ApplyInput {
  /** The patch the agent job produced against the head it worked on (absent: no changes). */
  readonly patch: Uint8Array | undefined;
}

type Committed =
  | { readonly kind: 'pushed'; readonly sha: string; readonly files: number }
  | { readonly kind: 'event'; readonly event: LineEvent; readonly result: string }
  | { readonly kind: 'stood-down'; readonly reason: string };

export async function applyWork(
  deps: ApplyDeps & { readonly workbench: Workbench },
  input: WorkApplyInput,
): Promise<StageOutcome> {
  const start = await beginSubmission(deps, 'implementation', input, 'implementer');
  if (start.kind === 'settled') return start.outcome;
  const { begun, submission, settleWith } = start;
  const { pr } = begun;

  const committed = await commitPatch(deps, pr, input.patch, submission);
  switch (committed.kind) {
    case 'stood-down':
      return { kind: 'stood-down', pr: pr.number, reason: committed.reason };
    case 'event': // after a clone and an apply: read the PR again before writing
      return settleWith(committed.event, committed.result, { pr, readJustNow: false });
    case 'pushed': {
      const result = `${String(committed.files)} files committed: ${submission.summary}`;
      const head = await readPushedHead(deps.github, pr, committed.sha);
      return settleWith({ type: 'work-submitted' }, result, head);
    }
  }
}

async function commitPatch(
  deps: ApplyDeps & { readonly workbench: Workbench },
  pr: PullRequestSnapshot,
  patch: Uint8Array | undefined,
  work: WorkSubmission,
): Promise<Committed> {
  if (patch === undefined || patch.length === 0) return invalid('the session changed no file');
  const git = await deps.workbench.checkoutHead(pr);
  const applied = await git.applyPatch(patch);
  if (applied.kind === 'does-not-apply')
    return invalid(`the patch does not apply: ${applied.message}`);
  if (applied.kind === 'refused')
    return blocked('protected-path', `The patch was refused: ${applied.message}`);
  const refusal = await judgeChanges(deps, git, pr);
  if (refusal !== undefined) return refusal;
  const commit = await git.commitAll({ message: commitMessage(work), author: FACTORY_AUTHOR });
  if (commit.kind === 'nothing-to-commit') return invalid('the patch changes nothing');
  const pushed = await pushToPullRequest(git, pr);
  if (pushed.kind === 'pushed') return { ...pushed, files: applied.paths.length };
  return pushRefusal(pr, pushed, 'the work was pushed');
}

/** Every guardrail a patch must pass, judged on the files as applied, not as the agent said. */
async function judgeChanges(
  deps: ApplyDeps,
  git: Git,
  pr: PullRequestSnapshot,
): Promise<Committed | undefined> {
  const { files } = await git.diffAgainst(pr.headSha);
  const [refusal] = checkPatchChanges(files, deps.config);
  return refusal === undefined ? undefined : blocked(refusal.code, refusal.reason);
}

function commitMessage(work: WorkSubmission): string {
  const [first = 'Implement the plan', ...rest] = work.summary.trim().split('\n');
  // A summary that already leaves a blank line after its first line must not get a second one.
  const body = rest.join('\n').trim();
  return body === '' ? first.slice(0, 72) : `${first.slice(0, 72)}\n\n${body}`;
}

function invalid(detail: string): Committed {
  return {
    kind: 'event',
    event: { type: 'attempt-failed', reason: 'invalid-output' },
    result: `no usable work: ${detail}`,
  };
}

function blocked(
  reason: Extract<LineEvent, { type: 'blocked' }>['reason'],
  detail: string,
): Committed {
  return { kind: 'event', event: { type: 'blocked', reason, detail }, result: detail };
}

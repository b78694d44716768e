/**
 * The merge stage, bors' rule (design §2, R-06): rebase the PR onto main, run CI on the new head,
 * re-check every guardrail on that exact SHA, then squash-merge passing that SHA. It runs as two
 * jobs around the project's CI: `prepareMerge` rebases and pushes; `finishMerge` publishes the CI
 * result, judges and merges. A moved head or a new main goes back, never in; a conflict goes back
 * to the implementer once (R-18).
 */
import type { LineEvent } from '../core/line.ts';
import type { GitHubPort, PullRequestSnapshot } from '../core/ports.ts';
import { recordFeedback } from '../core/status.ts';
import type { Git } from '../adapters/git/index.ts';
import { beginApply, settle, type ApplyDeps } from './apply-common.ts';
import type { StageOutcome } from './outcome.ts';
import { pushToPullRequest, readPushedHead, type Workbench } from './workbench.ts';

export { finishMerge, type FinishMergeInput } from './merge-finish.ts';

const WORKFLOWS_DIR = '.github/workflows/';

export interface PrepareMergeInput {
  readonly pr: number;
  readonly expectedHeadSha: string;
  readonly runUrl?: string;
}

/** What the CI job and the merge job need: the head to test and how it came to be. */
export interface MergeCandidate {
  readonly pr: number;
  /** The head to test and merge. */
  readonly headSha: string;
  /** Main as the head was rebased onto; the merge refuses if main has moved since. */
  readonly baseSha: string;
  /** The head before the rebase, when there was one, and whether the change is unaltered by it. */
  readonly rebasedFrom?: { readonly sha: string; readonly patchUnchanged: boolean } | undefined;
}

export type PrepareMergeResult =
  | { readonly kind: 'ready'; readonly candidate: MergeCandidate }
  | { readonly kind: 'settled'; readonly outcome: StageOutcome };

export async function prepareMerge(
  deps: ApplyDeps & { readonly workbench: Workbench },
  input: PrepareMergeInput,
): Promise<PrepareMergeResult> {
  // The rebase usually hands on to CI without settling: the timeline is read only if it settles.
  const begun = await beginApply(
    deps.github,
    'merge',
    { ...input, artifact: undefined, artifactFound: true },
    { readTimeline: false },
  );
  if (begun.kind === 'stood-down') return { kind: 'settled', outcome: begun.outcome };
  const { pr, ledger } = begun;
  const settleWith = async (event: LineEvent, result: string, feedback?: string) => ({
    kind: 'settled' as const,
    outcome: await settle(deps, {
      pr,
      stage: 'merge',
      status: begun.status,
      event,
      ledger:
        feedback === undefined
          ? ledger
          : recordFeedback(ledger, { kind: 'conflict', from: 'merge', text: feedback }),
      result,
      artifact: undefined,
      ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
    }),
  });

  const git = await deps.workbench.checkoutHead(pr);
  const baseSha = await git.fetch(deps.github.repository.defaultBranch);
  const rebase = await git.rebaseOnto({ upstream: baseSha });
  switch (rebase.kind) {
    case 'up-to-date':
      return { kind: 'ready', candidate: { pr: pr.number, headSha: pr.headSha, baseSha } };
    case 'conflict':
      return settleWith(
        { type: 'conflict' },
        `rebase onto ${baseSha.slice(0, 7)} conflicted in ${rebase.files.join(', ')}`,
        describeConflict(baseSha, rebase.files, rebase.message),
      );
    case 'rebased': {
      const published = await publishRebase(deps, git, pr, rebase.headSha, baseSha);
      if (published.kind === 'event') return settleWith(published.event, published.result);
      if (published.kind === 'stood-down')
        return {
          kind: 'settled',
          outcome: { kind: 'stood-down', pr: pr.number, reason: published.reason },
        };
      const patchUnchanged =
        (await git.patchId(await git.mergeBase(pr.headSha, baseSha), pr.headSha)) ===
        (await git.patchId(baseSha, published.headSha));
      return {
        kind: 'ready',
        candidate: {
          pr: pr.number,
          headSha: published.headSha,
          baseSha,
          rebasedFrom: { sha: pr.headSha, patchUnchanged },
        },
      };
    }
  }
}

type Published =
  | { readonly kind: 'pushed'; readonly headSha: string }
  | { readonly kind: 'event'; readonly event: LineEvent; readonly result: string }
  | { readonly kind: 'stood-down'; readonly reason: string };

/**
 * Puts the rebased head on the PR branch. The default token may not push commits that change
 * workflow files, and a rebase onto a main whose workflows changed does exactly that: then GitHub
 * rebases on its side instead (github-mechanics §4), and if it refuses too, the PR parks.
 */
async function publishRebase(
  deps: ApplyDeps,
  git: Git,
  pr: PullRequestSnapshot,
  rebasedSha: string,
  baseSha: string,
): Promise<Published> {
  const carriesWorkflows =
    deps.config.identity.mode === 'default-token' &&
    (await git.changesUnder(WORKFLOWS_DIR, pr.headSha, rebasedSha)).length > 0;
  if (carriesWorkflows) return rebaseOnServer(deps.github, git, pr, baseSha);
  const pushed = await pushToPullRequest(git, pr);
  switch (pushed.kind) {
    case 'pushed': {
      const head = await readPushedHead(deps.github, pr, pushed.sha);
      return { kind: 'pushed', headSha: head.pr.headSha };
    }
    case 'rejected':
      if (pushed.reason === 'workflow-permission')
        return rebaseOnServer(deps.github, git, pr, baseSha);
      return {
        kind: 'stood-down',
        reason: `the branch moved while it was rebased (${pushed.reason})`,
      };
  }
}

async function rebaseOnServer(
  github: GitHubPort,
  git: Git,
  pr: PullRequestSnapshot,
  baseSha: string,
): Promise<Published> {
  const result = await github.rebaseOnServer(pr.number, pr.headSha);
  if (result.rebased) {
    // The server rebased onto main as it is now; the merge judges that head against that main.
    await git.fetch(result.headSha).catch(() => git.fetch(pr.headRef));
    return { kind: 'pushed', headSha: result.headSha };
  }
  switch (result.reason) {
    case 'head-moved':
      return { kind: 'stood-down', reason: 'the branch moved while GitHub rebased it' };
    case 'conflict':
      return {
        kind: 'event',
        event: { type: 'conflict' },
        result: `GitHub's rebase onto ${baseSha.slice(0, 7)} conflicted: ${result.message}`,
      };
    case 'refused':
      return {
        kind: 'event',
        event: {
          type: 'blocked',
          reason: 'workflow-change-needs-app',
          detail: `The rebase onto main carries workflow changes, and GitHub refused to rebase on its side: ${result.message}`,
        },
        result: 'rebase carries workflow changes',
      };
  }
}

function describeConflict(baseSha: string, files: readonly string[], message: string): string {
  return [
    `Rebasing this branch onto main (${baseSha}) conflicts in: ${files.join(', ')}.`,
    'Change the branch so it applies cleanly on top of main, keeping main’s changes.',
    '',
    message.slice(0, 3_000),
  ].join('\n');
}

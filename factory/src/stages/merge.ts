/**
 * The merge stage, bors' rule (design §2, R-06): bring the PR up to date with main, run CI on the
 * new head, re-check every guardrail on that exact SHA, then squash-merge passing that SHA. It runs
 * as two jobs around the project's CI: `prepareMerge` updates and pushes; `finishMerge` publishes
 * the CI result, judges and merges. A moved head or a new main goes back, never in.
 *
 * Up to date means main is in the branch's history (ADR 0006). A linear branch is rebased onto
 * main, or has main merged in where a ruleset forbids the force push a rebase needs (ADR 0011).
 * A rebase replays commit by commit, so when it conflicts one merge of main into the branch is
 * tried: a three-way merge of the whole change often goes through where a single commit could
 * not. If that conflicts too, the merge is committed with its conflict markers and goes back to
 * the implementer once to resolve them (R-18). A branch that holds a merge commit is brought up to
 * date by merging main in again, since a rebase would replay the conflicts the merge resolved.
 */
import { attemptFacts } from '../core/attempts.ts';
import { checkBase } from '../core/guardrails.ts';
import { describeHold } from '../core/hold.ts';
import { transition, type LineEvent } from '../core/line.ts';
import type {
  Conversation,
  GitHubPort,
  PullRequestSnapshot,
  ServerUpdateMethod,
} from '../core/ports.ts';
import { parseLedger, recordFeedback } from '../core/status.ts';
import type { Git, MergeInResult, RebaseResult } from '../adapters/git/index.ts';
import {
  beginApply,
  readCurrentPullRequest,
  settle,
  type ApplyDeps,
  type Current,
  type Reading,
} from './apply-common.ts';
import type { StageOutcome } from './outcome.ts';
import { standingHold } from './merge-hold.ts';
import { pushRefusal, pushToPullRequest, readPushedHead, type Workbench } from './workbench.ts';

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
  /** Main as the head was brought up to date with; the merge refuses if main has moved since. */
  readonly baseSha: string;
  /**
   * The head before the update (a rebase or a merge of main), when there was one, and whether the
   * change is unaltered by it.
   */
  readonly updatedFrom?: { readonly sha: string; readonly patchUnchanged: boolean } | undefined;
}

export type PrepareMergeResult =
  | { readonly kind: 'ready'; readonly candidate: MergeCandidate }
  | { readonly kind: 'settled'; readonly outcome: StageOutcome };

type PrepareDeps = ApplyDeps & { readonly workbench: Workbench };

export async function prepareMerge(
  deps: PrepareDeps,
  input: PrepareMergeInput,
): Promise<PrepareMergeResult> {
  // The PR with its timeline and status comment, in one read: a PR a person holds back parks
  // here, before the merge touches its branch or spends CI on it.
  const begun = await beginApply(deps.github, 'merge', {
    ...input,
    artifact: undefined,
    artifactFound: true,
  });
  if (begun.kind === 'stood-down') return { kind: 'settled', outcome: begun.outcome };
  const { pr } = begun;
  const refusal = await refusalUpFront(deps.github, begun);
  if (refusal !== undefined) {
    const conversation = { timeline: begun.timeline, statusComment: begun.status.comment };
    const { detail } = refusal;
    return settleMerge(
      deps,
      { pr, readJustNow: true },
      refusal,
      `refused: ${detail}`,
      input.runUrl,
      {
        conversation,
      },
    );
  }
  const git = await deps.workbench.checkoutHead(pr);
  const baseSha = await git.fetch(deps.github.repository.defaultBranch);
  // A head that still carries conflict markers (handed back and not resolved, or left by a job
  // that crashed after pushing them) is a conflict: it is never updated, tested or merged.
  const leftover = await git.filesWithLeftoverMarkers(await git.mergeBase(pr.headSha, baseSha));
  if (leftover.length > 0)
    return returnConflict(
      deps,
      git,
      pr,
      { kind: 'on-head', files: leftover, baseSha },
      input.runUrl,
    );
  const update = await bringUpToDate(git, pr, baseSha, deps.github.repository.defaultBranch);
  switch (update.kind) {
    case 'up-to-date':
      return { kind: 'ready', candidate: { pr: pr.number, headSha: pr.headSha, baseSha } };
    case 'conflict':
      return returnConflict(deps, git, pr, conflictOf(update, baseSha), input.runUrl);
    case 'rebased':
    case 'merged': {
      // The update goes on the branch only while the PR is still the merge's: a person may
      // have moved it during the clone and the rebase.
      const still = await readCurrentPullRequest(deps.github, 'merge', stillAt(pr));
      if (still.kind === 'stood-down') return { kind: 'settled', outcome: still.outcome };
      const method = update.kind === 'rebased' ? 'rebase' : 'merge';
      let published = await publishUpdate(deps, git, pr, update.headSha, method);
      // A rule against force pushes refuses the rebase's push; a merge of main goes on the branch
      // as a fast-forward (the same change, so its approval carries just as far, ADR 0004).
      if (method === 'rebase' && refusedByRule(published)) {
        await git.checkout(pr.headSha);
        const merged = await mergeMain(git, pr, baseSha, deps.github.repository.defaultBranch);
        // Where the rebase went through and the merge does not, the conflict goes back.
        if (merged.kind === 'conflict')
          return returnConflict(deps, git, pr, conflictOf(merged, baseSha), input.runUrl);
        if (merged.kind === 'merged')
          published = await publishUpdate(deps, git, pr, merged.headSha, 'merge');
      }
      if (published.kind === 'event')
        return settleMerge(deps, { pr }, published.event, published.result, input.runUrl);
      if (published.kind === 'stood-down') return standDown(pr, published.reason);
      const patchUnchanged =
        (await git.patchId(await git.mergeBase(pr.headSha, baseSha), pr.headSha)) ===
        (await git.patchId(baseSha, published.headSha));
      return {
        kind: 'ready',
        candidate: {
          pr: pr.number,
          headSha: published.headSha,
          baseSha,
          updatedFrom: { sha: pr.headSha, patchUnchanged },
        },
      };
    }
  }
}

/**
 * What parks the PR before the merge touches its branch: a person holding it back, or a base a
 * person changed to a branch other than the default one, which the merge rebases onto and tests
 * against (the merge's guardrails refuse both too, after CI).
 */
async function refusalUpFront(
  github: GitHubPort,
  { pr, timeline }: Current,
): Promise<Extract<LineEvent, { type: 'blocked' }> | undefined> {
  const hold = await standingHold(github, timeline);
  if (hold !== undefined)
    return { type: 'blocked', reason: 'not-approved', detail: describeHold(hold) };
  const verdict = checkBase({ ref: pr.baseRef, defaultBranch: github.repository.defaultBranch });
  return verdict.ok ? undefined : { type: 'blocked', reason: verdict.code, detail: verdict.reason };
}

/** What a re-read before a push expects: the PR still at the merge, at the head the job read. */
const stillAt = (pr: PullRequestSnapshot) => ({
  pr: pr.number,
  expectedHeadSha: pr.headSha,
  artifact: undefined,
});

/**
 * Brings the checkout up to date with `baseSha`: a rebase for a linear branch, a merge of main for
 * one that holds a merge or whose rebase conflicted. A conflicting merge is committed with its
 * markers, checked out, and not yet pushed.
 */
async function bringUpToDate(
  git: Git,
  pr: PullRequestSnapshot,
  baseSha: string,
  defaultBranch: string,
): Promise<Exclude<RebaseResult, { kind: 'conflict' }> | MergeInResult> {
  const merge = () => mergeMain(git, pr, baseSha, defaultBranch);
  if (await git.hasMergesSince(baseSha)) return merge();
  const rebased = await git.rebaseOnto({ upstream: baseSha });
  return rebased.kind === 'conflict' ? merge() : rebased;
}

/** Merges main (`baseSha`) into the checkout, committing a conflict with its markers. */
function mergeMain(
  git: Git,
  pr: PullRequestSnapshot,
  baseSha: string,
  defaultBranch: string,
): Promise<MergeInResult> {
  return git.mergeIn({
    upstream: baseSha,
    message: `Merge ${defaultBranch} (${short(baseSha)}) into #${String(pr.number)}`,
    keepConflicts: true,
  });
}

/** GitHub refused the push for a rule of the repository's, not because the branch moved. */
function refusedByRule(published: Published): boolean {
  return (
    published.kind === 'event' &&
    published.event.type === 'blocked' &&
    published.event.reason === 'push-refused'
  );
}

interface ConflictWithMain {
  /** Main as the merge fetched it. */
  readonly baseSha: string;
  readonly files: readonly string[];
}

/** A merge of main that keeps the conflict markers, made here and not yet pushed. */
interface MarkedMerge extends ConflictWithMain {
  readonly kind: 'marked';
  readonly headSha: string;
  readonly message: string;
}

/** The PR head already carries conflict markers. */
interface MarkersOnHead extends ConflictWithMain {
  readonly kind: 'on-head';
}

/** Git could not mark some files (binary, or deleted on one side): nothing can be handed over. */
interface Unmarkable extends ConflictWithMain {
  readonly kind: 'unmarkable';
  readonly unmarked: readonly string[];
}

type Conflict = MarkedMerge | MarkersOnHead | Unmarkable;

/** A merge of main that conflicted, marked and committed where git could mark every file. */
function conflictOf(
  merged: Extract<MergeInResult, { kind: 'conflict' }>,
  baseSha: string,
): Conflict {
  const { files, message } = merged;
  return merged.headSha === undefined
    ? { kind: 'unmarkable', files, unmarked: merged.unmarked, baseSha }
    : { kind: 'marked', headSha: merged.headSha, files, message, baseSha };
}

/**
 * Sends a conflict back to the implementer with the markers on the branch (pushing the merge that
 * marks it, unless the head carries them already), if the line would send it back at all (R-18:
 * once). Otherwise, or when the conflict cannot be marked, it parks, and nothing is pushed.
 */
async function returnConflict(
  deps: PrepareDeps,
  git: Git,
  pr: PullRequestSnapshot,
  conflict: Conflict,
  runUrl: string | undefined,
): Promise<PrepareMergeResult> {
  const { github, config } = deps;
  const conversation = await github.readConversation(pr.number);
  const result = `main (${short(conflict.baseSha)}) conflicted in ${conflict.files.join(', ')}`;
  const park = (reason: 'conflict' | 'not-approved', detail: string) =>
    settleMerge(deps, { pr }, { type: 'blocked', reason, detail }, result, runUrl, {
      conversation,
    });
  // A PR a person holds back is not handed to the implementer.
  const hold = await standingHold(github, conversation.timeline);
  if (hold !== undefined) return park('not-approved', describeHold(hold));
  const facts = attemptFacts(
    conversation.timeline,
    (login) => github.isFactoryActor(login),
    config,
  );
  const settleConflict = (reading: Reading, feedback?: string) =>
    settleMerge(deps, reading, { type: 'conflict' }, result, runUrl, { conversation, feedback });
  if (conflict.kind === 'unmarkable')
    return park(
      'conflict',
      `${result}, and git cannot mark ${conflict.unmarked.join(', ')} (a binary file, or a file deleted on one side): the conflict cannot be handed to the implementer.`,
    );
  const goesBack = transition('merge', { type: 'conflict' }, facts).next === 'implementation';
  if (!goesBack && conflict.kind === 'on-head')
    return park(
      'conflict',
      `Conflict markers are still in ${conflict.files.join(', ')} after the implementer had its turn to resolve them.`,
    );
  if (!goesBack) return settleConflict({ pr });
  if (conflict.kind === 'on-head')
    return settleConflict({ pr }, describeConflict(conflict, pr.headSha));

  // The markers go on the branch only while the PR is still the merge's.
  const still = await readCurrentPullRequest(github, 'merge', stillAt(pr));
  if (still.kind === 'stood-down') return { kind: 'settled', outcome: still.outcome };
  const carriesWorkflows = await wouldCarryWorkflows(deps, git, pr, conflict.headSha);
  const pushed = carriesWorkflows ? undefined : await pushToPullRequest(git, pr);
  if (pushed?.kind === 'rejected' && pushed.reason !== 'workflow-permission') {
    const refusal = pushRefusal(pr, pushed, 'main was merged in');
    if (refusal.kind === 'stood-down') return standDown(pr, refusal.reason);
    return settleMerge(deps, { pr }, refusal.event, refusal.result, runUrl, { conversation });
  }
  if (pushed?.kind !== 'pushed')
    return park(
      'conflict',
      `${result}, and main changed workflow files, which the default token may not push: the conflict cannot be handed to the implementer.`,
    );
  const reading = await readPushedHead(github, pr, pushed.sha);
  return settleConflict(reading, describeConflict(conflict, conflict.headSha));
}

/** Records the merge's attempt and carries out where `event` leads, from the PR as `reading`. */
async function settleMerge(
  deps: ApplyDeps,
  reading: Reading,
  event: LineEvent,
  result: string,
  runUrl: string | undefined,
  extra: {
    conversation?: Pick<Conversation, 'timeline' | 'statusComment'>;
    feedback?: string | undefined;
  } = {},
): Promise<PrepareMergeResult> {
  const { timeline, statusComment: comment } =
    extra.conversation ?? (await deps.github.readConversation(reading.pr.number));
  const ledger = parseLedger(comment?.body);
  const outcome = await settle(deps, {
    ...reading,
    stage: 'merge',
    status: { comment },
    event,
    ledger:
      extra.feedback === undefined
        ? ledger
        : recordFeedback(ledger, { kind: 'conflict', from: 'merge', text: extra.feedback }),
    result,
    artifact: undefined,
    timeline,
    ...(runUrl === undefined ? {} : { runUrl }),
  });
  return { kind: 'settled', outcome };
}

function standDown(pr: PullRequestSnapshot, reason: string): PrepareMergeResult {
  return { kind: 'settled', outcome: { kind: 'stood-down', pr: pr.number, reason } };
}

/** Pushing `toSha` over the head would change workflow files the default token may not push. */
async function wouldCarryWorkflows(
  deps: ApplyDeps,
  git: Git,
  pr: PullRequestSnapshot,
  toSha: string,
): Promise<boolean> {
  return (await git.changesUnder(WORKFLOWS_DIR, pr.headSha, toSha)).length > 0;
}

type Published =
  | { readonly kind: 'pushed'; readonly headSha: string }
  | { readonly kind: 'event'; readonly event: LineEvent; readonly result: string }
  | { readonly kind: 'stood-down'; readonly reason: string };

/**
 * Puts the updated head on the PR branch. The default token may not push commits that change
 * workflow files, and an update from a main whose workflows changed does exactly that: then GitHub
 * updates the branch on its side the same way instead (github-mechanics §4), and if it refuses
 * too, the PR parks.
 */
async function publishUpdate(
  deps: ApplyDeps,
  git: Git,
  pr: PullRequestSnapshot,
  updatedSha: string,
  method: ServerUpdateMethod,
): Promise<Published> {
  if (await wouldCarryWorkflows(deps, git, pr, updatedSha))
    return updateOnServer(deps.github, git, pr, method);
  const pushed = await pushToPullRequest(git, pr);
  switch (pushed.kind) {
    case 'pushed': {
      // The candidate must be the head this job made and will test on main.
      const head = await readPushedHead(deps.github, pr, pushed.sha);
      return head.movedBySomeoneElse
        ? {
            kind: 'stood-down',
            reason: `the branch moved to ${short(head.pr.headSha)} right after the line pushed ${short(pushed.sha)}`,
          }
        : { kind: 'pushed', headSha: head.pr.headSha };
    }
    case 'rejected':
      if (pushed.reason === 'workflow-permission')
        return updateOnServer(deps.github, git, pr, method);
      return pushRefusal(pr, pushed, 'it was brought up to date');
  }
}

async function updateOnServer(
  github: GitHubPort,
  git: Git,
  pr: PullRequestSnapshot,
  method: ServerUpdateMethod,
): Promise<Published> {
  const result = await github.updateOnServer(pr.number, pr.headSha, method);
  if (result.updated) {
    // The server updated from main as it is now; the merge judges that head against that main.
    await git.fetch(result.headSha).catch(() => git.fetch(pr.headRef));
    return { kind: 'pushed', headSha: result.headSha };
  }
  switch (result.reason) {
    case 'head-moved':
      return { kind: 'stood-down', reason: 'the branch moved while GitHub updated it' };
    case 'conflict':
      // Main moved into a conflict since the local update, and its markers cannot be pushed.
      return {
        kind: 'event',
        event: {
          type: 'blocked',
          reason: 'conflict',
          detail: `GitHub's ${method} onto main conflicted, and main changed workflow files, which the default token may not push: ${result.message}`,
        },
        result: `GitHub's ${method} conflicted: ${result.message}`,
      };
    case 'refused':
      // A rule against force pushes may refuse GitHub's rebase too: its merge is a fast-forward.
      if (method === 'rebase') return updateOnServer(github, git, pr, 'merge');
      return {
        kind: 'event',
        event: {
          type: 'blocked',
          reason: 'workflow-change-needs-app',
          detail: `Bringing the branch up to date carries main's workflow changes, and GitHub refused to ${method} on its side: ${result.message}`,
        },
        result: 'the update carries workflow changes',
      };
  }
}

/** What the implementer is told: where the markers are and what to keep. */
function describeConflict(conflict: Conflict, markedSha: string): string {
  return [
    `main (${conflict.baseSha}) conflicts with this branch in: ${conflict.files.join(', ')}.`,
    `The branch carries a merge of main (${markedSha}) that leaves each conflicting hunk between conflict markers: this branch's side after \`<<<<<<<\`, main's after \`=======\`, closed by \`>>>>>>>\`.`,
    'Resolve every marker so the code keeps main’s changes and does what this PR set out to do, then run the checks. The merge refuses a head that still carries a marker.',
    ...(conflict.kind === 'marked' ? ['', conflict.message.slice(0, 3_000)] : []),
  ].join('\n');
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

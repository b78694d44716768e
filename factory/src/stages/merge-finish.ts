/**
 * The second half of the merge: after CI ran on the candidate head, publish its result on that
 * SHA, gather every fact the guardrails judge for exactly that SHA, and squash-merge it passing
 * the SHA, so a head that moved in between is refused by GitHub (409) and goes back.
 */
import { isGreen } from '../core/checks.ts';
import {
  checkMergeEligibility,
  isWriter,
  type ChangedFile,
  type MergeFacts,
} from '../core/guardrails.ts';
import { transition, type LineEvent } from '../core/line.ts';
import type {
  GitHubPort,
  MergeReadiness,
  MergeResult,
  PullRequestSnapshot,
  ReviewRecord,
  ReviewVerdict,
} from '../core/ports.ts';
import { labelOf } from '../core/states.ts';
import {
  recordAttempt,
  recordFeedback,
  SAME_PATCH_KEPT,
  type Ledger,
  type SamePatch,
} from '../core/status.ts';
import { attemptFacts, type TimelineEntry } from '../core/attempts.ts';
import { describeHold } from '../core/hold.ts';
import { beginApply, settle, type ApplyDeps, type Current } from './apply-common.ts';
import { today } from './clock.ts';
import { carryOut } from './carry-out.ts';
import { CI_STATUS_CONTEXT, type CiConclusion } from './gate.ts';
import type { MergeCandidate } from './merge.ts';
import { standingHold } from './merge-hold.ts';
import { outcomeOf, type StageOutcome } from './outcome.ts';

export interface FinishMergeInput {
  readonly candidate: MergeCandidate;
  /** CI's result on the candidate head; absent when the head was not rebased (the gate tested it). */
  readonly ciConclusion?: CiConclusion;
  readonly runUrl?: string;
}

export async function finishMerge(deps: ApplyDeps, input: FinishMergeInput): Promise<StageOutcome> {
  const { github } = deps;
  const { candidate } = input;
  const begun = await beginApply(github, 'merge', {
    pr: candidate.pr,
    expectedHeadSha: candidate.headSha,
    artifact: undefined,
    artifactFound: true,
  });
  if (begun.kind === 'stood-down') return begun.outcome;
  const { pr, ledger } = begun;
  const settleWith = (event: LineEvent, result: string, next: Ledger = ledger) =>
    settle(deps, {
      pr,
      stage: 'merge',
      status: begun.status,
      timeline: begun.timeline,
      event,
      ledger: withSamePatch(next, candidate),
      result,
      artifact: undefined,
      ...(input.runUrl === undefined ? {} : { runUrl: input.runUrl }),
    });

  const published =
    input.ciConclusion === undefined
      ? undefined
      : await publishCi(github, pr, input.ciConclusion, input.runUrl);
  // Before anything else the PR could go on to, red CI's way back to the implementer included.
  const hold = await standingHold(github, begun.timeline);
  if (hold !== undefined) {
    const detail = describeHold(hold);
    return settleWith({ type: 'blocked', reason: 'not-approved', detail }, `refused: ${detail}`);
  }
  if (published !== undefined)
    return settleWith(published.event, published.result, withCiFeedback(ledger, published));
  const [readiness, changes] = await Promise.all([
    github.readMergeReadiness(pr.number, pr.headSha, github.repository.defaultBranch),
    github.listChangedFiles(pr.number),
  ]);
  // Main moved after the rebase: what would land is not what CI tested. Rebase again (bounded).
  const main = readiness.branchHead;
  if (main !== candidate.baseSha)
    return settleWith({ type: 'main-moved' }, `main moved to ${short(main)} after the rebase`);

  const facts = await gatherMergeFacts(github, begun, candidate, { ...readiness, changes });
  const [refusal] = checkMergeEligibility(facts, deps.config);
  // When the repository dismisses approvals as stale, the merge's own rebase, which moved the
  // head, dismissed the line's approval: the rebased head goes back to be reviewed as it is
  // (bounded by code review's retries), not parked. A person's dismissal held it above.
  if (
    refusal?.code === 'not-approved' &&
    facts.latestReview === undefined &&
    lineReviewDismissedAsStale(github, readiness.reviews, samePatchAs(candidate, ledger.samePatch))
  )
    return settleWith(
      { type: 'approval-dismissed' },
      `the code review's approval was dismissed as stale when the merge brought the branch up to date; reviewing ${short(pr.headSha)} again`,
    );
  // Every guardrail before it held, but this head is not the one the gate tested and CI did not
  // run here: someone pushed after the gate. It goes back to be tested and reviewed, never in.
  if (refusal?.code === 'head-untested' && input.ciConclusion === undefined)
    return settleWith({ type: 'head-moved' }, `refused: ${refusal.reason}; testing this head`);
  if (refusal !== undefined)
    return settleWith(
      { type: 'blocked', reason: refusal.code, detail: refusal.reason },
      `refused: ${refusal.reason}`,
    );
  return merge(deps, begun, candidate, input.runUrl);
}

async function merge(
  deps: ApplyDeps,
  current: Current,
  candidate: MergeCandidate,
  runUrl: string | undefined,
): Promise<StageOutcome> {
  const { github, config } = deps;
  const { pr, ledger, status, timeline } = current;
  const facts = attemptFacts(timeline, (login) => github.isFactoryActor(login), config);
  const next = transition('merge', { type: 'merge-ready', sha: pr.headSha }, facts);
  const recorded = recordAttempt(ledger, 'merge', {
    result: `squash-merged ${short(pr.headSha)}`,
    day: today(deps),
    tokens: 0,
    dollars: 0,
    ...(runUrl === undefined ? {} : { runUrl }),
  });
  // The last look before the merge call, in place of carryOut's plain re-read and at the same
  // cost: the PR with its timeline, so a person who held it back while it was judged is heard.
  const last = await github.readConversation(pr.number);
  const hold = await standingHold(github, last.timeline);
  if (hold !== undefined && last.pullRequest !== undefined) {
    const detail = describeHold(hold);
    return settle(deps, {
      pr: last.pullRequest,
      readJustNow: true,
      stage: 'merge',
      event: { type: 'blocked', reason: 'not-approved', detail },
      ledger: withSamePatch(ledger, candidate),
      status: { comment: last.statusComment },
      timeline: last.timeline,
      result: `refused: ${detail}`,
      artifact: undefined,
      ...(runUrl === undefined ? {} : { runUrl }),
    });
  }
  const result = await carryOut({
    github,
    pr,
    from: 'merge',
    transition: next,
    ledger: recorded,
    headSha: pr.headSha,
    status,
    ...(last.pullRequest === undefined ? {} : { fresh: last.pullRequest }),
  });
  switch (result.kind) {
    case 'done':
      return outcomeOf(pr.number, next);
    case 'stood-down':
      return { kind: 'stood-down', pr: pr.number, reason: result.reason };
    case 'merge-refused': {
      const event = await refusalEvent(github, candidate, result.result);
      return settle(deps, {
        pr,
        stage: 'merge',
        event,
        ledger: withSamePatch(ledger, candidate),
        status,
        timeline,
        result: `GitHub refused the merge: ${result.result.message}`,
        artifact: undefined,
        ...(runUrl === undefined ? {} : { runUrl }),
      });
    }
  }
}

/** How GitHub's 405 names a branch protection rule (a required check, review or ruleset). */
const PROTECTION_RULE = /required|approving review|rule violation|protected branch/i;

/**
 * What GitHub's refusal of the merge means for the line. 409 with the head unchanged: main moved
 * and the rule wants branches up to date, so rebase and try again (bounded). Any other 409: the
 * head moved after CI (the re-read then stands the stage down, R-19; the watchdog runs the merge
 * again, which sends the new head back to be tested). 405 naming a protection rule on the main CI
 * ran on: a rule the line cannot meet (a review by a person, a check it does not publish), which
 * no retry would change: park, quoting GitHub. Any other 405 (main moved, or GitHub still working
 * out whether the PR merges): rebase and try again, bounded.
 */
async function refusalEvent(
  github: GitHubPort,
  candidate: MergeCandidate,
  refusal: Exclude<MergeResult, { merged: true }>,
): Promise<LineEvent> {
  const [branchHead, pull] = await Promise.all([
    github.readBranchHead(github.repository.defaultBranch),
    // Unread, the head counts as moved: the stage stands down and the watchdog runs it again.
    refusal.reason === 'head-moved'
      ? github.readPullRequest(candidate.pr).catch(() => undefined)
      : undefined,
  ]);
  const mainMoved = branchHead !== candidate.baseSha;
  if (refusal.reason === 'head-moved')
    return mainMoved && pull?.headSha === candidate.headSha
      ? { type: 'main-moved' }
      : { type: 'head-moved' };
  if (mainMoved || !PROTECTION_RULE.test(refusal.message)) return { type: 'main-moved' };
  return {
    type: 'blocked',
    reason: 'merge-refused',
    detail: `GitHub refused to merge ${short(candidate.headSha)} onto main at ${short(branchHead)}, which had not moved: ${refusal.message}`,
  };
}

interface CiFailure {
  readonly event: LineEvent;
  readonly result: string;
}

/** Publishes CI's result on the head as the commit status; returns the event when it is not green. */
async function publishCi(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  conclusion: CiConclusion,
  runUrl: string | undefined,
): Promise<CiFailure | undefined> {
  const green = conclusion === 'success';
  await github.setCommitStatus(pr.headSha, {
    context: CI_STATUS_CONTEXT,
    state: green ? 'success' : 'failure',
    description: green
      ? 'CI passed on this exact commit after the rebase'
      : `CI ${conclusion} after the rebase`,
    ...(runUrl === undefined ? {} : { targetUrl: runUrl }),
  });
  if (green) return undefined;
  const result = `CI ${conclusion} on the rebased head ${short(pr.headSha)}`;
  // A cancelled run tested nothing: the merge runs again (bounded) instead of blaming the code.
  return conclusion === 'cancelled'
    ? { event: { type: 'attempt-failed', reason: 'stage-crashed' }, result }
    : { event: { type: 'merge-ci-failed' }, result };
}

function withCiFeedback(ledger: Ledger, failure: CiFailure): Ledger {
  if (failure.event.type !== 'merge-ci-failed') return ledger;
  return recordFeedback(ledger, {
    kind: 'ci',
    from: 'merge',
    text: `${failure.result}: the change fails the project's checks on top of the current main. Run the checks and fix the failures.`,
  });
}

/**
 * Every fact of design §7, read for exactly the candidate head: the readings above, and the reads
 * only some merges need (the spec's blob, the permissions of whoever queued and reviewed).
 */
export async function gatherMergeFacts(
  github: GitHubPort,
  { pr, ledger, timeline }: Current,
  candidate: MergeCandidate,
  {
    checks,
    reviews,
    changes,
  }: Omit<MergeReadiness, 'branchHead'> & {
    readonly changes: readonly ChangedFile[];
  },
): Promise<MergeFacts> {
  const spec = ledger.spec ?? { path: '', blobSha: '' };
  const [blobAtHead, queuedBy, weighed] = await Promise.all([
    specBlobAtHead(github, spec.path, pr.headSha, changes),
    queuerOf(github, timeline, pr.author),
    reviewsThatCount(github, reviews),
  ]);
  return {
    headSha: pr.headSha,
    // CI's own status on this exact head: the gate's, or the one published after the rebase.
    testedSha: isGreen(checks, [CI_STATUS_CONTEXT], pr.headSha) ? pr.headSha : undefined,
    checks,
    latestReview: latestVerdict(weighed, candidate, ledger.samePatch),
    spec: { path: spec.path, blobWhenQueued: spec.blobSha, blobAtHead },
    changes,
    isFork: pr.isFork,
    base: { ref: pr.baseRef, defaultBranch: github.repository.defaultBranch },
    queuedBy,
  };
}

/**
 * Who queued the spec: the latest `state:queued` label set by someone with write permission. A
 * label anyone else set was turned away as it was set and queued nothing, so it is passed
 * over; with no writer's label at all, the latest label's author (or the PR's) answers for it.
 * One permission read per labeller, from the latest, until a writer.
 */
async function queuerOf(
  github: GitHubPort,
  timeline: readonly TimelineEntry[],
  author: string,
): Promise<MergeFacts['queuedBy']> {
  const labellers = timeline
    .flatMap((entry) =>
      entry.kind === 'labeled' && entry.label === labelOf('queued') ? [entry.actor] : [],
    )
    .reverse();
  for (const login of new Set(labellers)) {
    const permission = await github.permissionOf(login);
    if (isWriter(permission)) return { login, permission };
  }
  const login = labellers[0] ?? author;
  return { login, permission: await github.permissionOf(login) };
}

/**
 * The spec's blob at the head. The PR adds the spec, so its list of changed files names the blob;
 * only a spec missing from that list (removed since) is looked up on its own.
 */
async function specBlobAtHead(
  github: GitHubPort,
  path: string,
  headSha: string,
  changes: readonly ChangedFile[],
): Promise<string | undefined> {
  if (path === '') return undefined;
  const listed = changes.find((file) => file.path === path)?.blobSha;
  return listed ?? (await github.readFile(path, headSha))?.blobSha;
}

/**
 * The reviews the approval guardrail weighs: the line's own code review's, and those of people
 * with write permission. Anyone who can read a repository may approve or reject its pull
 * requests; their word neither merges a PR nor parks one. One permission read per other reviewer.
 */
async function reviewsThatCount(
  github: GitHubPort,
  reviews: readonly ReviewRecord[],
): Promise<readonly ReviewRecord[]> {
  const people = [...new Set(reviews.map((review) => review.author))].filter(
    (login) => !github.isFactoryActor(login),
  );
  const permissions = await Promise.all(people.map((login) => github.permissionOf(login)));
  const writers = new Set(people.filter((_, i) => isWriter(permissions[i] ?? 'none')));
  return reviews.filter(
    (review) => github.isFactoryActor(review.author) || writers.has(review.author),
  );
}

/**
 * The verdict the reviews that count give, as GitHub weighs them: each reviewer's latest review
 * stands, so an objection from one is not cancelled by another's later approval, and a dismissed
 * review leaves its author with no verdict. Any outstanding objection is the verdict; otherwise
 * the latest approval. An approval given on the head before
 * the merge's own rebase counts for the rebased head only when the rebase left the change itself
 * unaltered (same patch id, ADR 0004), and so does one given on a head before an earlier such
 * rebase (`samePatch`, written by an earlier round that did not merge); CI then tests it on top
 * of main.
 */
function latestVerdict(
  reviews: readonly ReviewRecord[],
  candidate: MergeCandidate,
  samePatch: SamePatch | undefined,
): MergeFacts['latestReview'] {
  const standing = new Map<string, ReviewRecord & { verdict: ReviewVerdict }>();
  for (const review of reviews) {
    if (review.verdict === 'DISMISSED') standing.delete(review.author);
    else if (review.verdict !== 'COMMENT')
      standing.set(review.author, { ...review, verdict: review.verdict });
  }
  const verdicts = [...standing.values()].sort((a, b) => a.at.localeCompare(b.at));
  const latest =
    verdicts.findLast((review) => review.verdict === 'REQUEST_CHANGES') ?? verdicts.at(-1);
  if (latest === undefined) return undefined;
  const carried =
    latest.verdict === 'APPROVE' && samePatchAs(candidate, samePatch).includes(latest.sha);
  return { verdict: latest.verdict, sha: carried ? candidate.headSha : latest.sha };
}

/**
 * Whether the line's own latest verdict was an approval of one of `earlierHeads` (heads with this
 * patch) that a branch rule dismissed as stale.
 */
function lineReviewDismissedAsStale(
  github: GitHubPort,
  reviews: readonly ReviewRecord[],
  earlierHeads: readonly string[],
): boolean {
  const latest = reviews.findLast(
    (review) => github.isFactoryActor(review.author) && review.verdict !== 'COMMENT',
  );
  return latest?.dismissedAsStale === true && earlierHeads.includes(latest.sha);
}

/**
 * The heads with the candidate's patch, oldest first: the head its own rebase left unaltered and
 * the heads recorded as that head's equals; or, with no rebase this round, the candidate's own.
 */
function samePatchAs(candidate: MergeCandidate, samePatch: SamePatch | undefined): string[] {
  const from = candidate.updatedFrom;
  if (from === undefined)
    return samePatch?.head === candidate.headSha ? [...samePatch.earlier] : [];
  if (!from.patchUnchanged) return [];
  const earlier = samePatch?.head === from.sha ? samePatch.earlier : [];
  return [...earlier, from.sha];
}

/**
 * The ledger a round writes when it does not merge: it remembers that the candidate's head has
 * the same patch as the heads before it, so a later round (main moved, CI re-run, the watchdog),
 * which may rebase that head again, can still count an approval given on one of them. The first
 * head, the one reviewed, is always kept.
 */
function withSamePatch(ledger: Ledger, candidate: MergeCandidate): Ledger {
  const earlier = samePatchAs(candidate, ledger.samePatch);
  if (earlier.length === 0) return ledger;
  const [reviewed = '', ...later] = earlier;
  const kept =
    earlier.length > SAME_PATCH_KEPT ? [reviewed, ...later.slice(1 - SAME_PATCH_KEPT)] : earlier;
  return { ...ledger, samePatch: { head: candidate.headSha, earlier: kept } };
}

function short(sha: string | undefined): string {
  return sha === undefined ? 'nothing' : sha.slice(0, 7);
}

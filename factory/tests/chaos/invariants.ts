/**
 * What must hold once a chaos run is at rest, read from the forge (faults off) and its bare
 * repository, never from the line's own bookkeeping alone:
 * - every PR is merged, or open at `state:needs-attention` with a park reason in its status
 *   comment ledger — or parked by a person, after whose move the line wrote no state label;
 * - no open PR carries other than exactly one state label;
 * - every merged SHA has a `factory/ci` success on exactly that SHA and an APPROVE on it, or on a
 *   head the merge's rebase left patch-identical (ADR 0004) — and the PR changed no protected path;
 * - no PR merged after a person dismissed the line's approval, unless a person moved it since;
 * - main's history since the seed touches no protected path;
 * - nothing lost: every commit the line pushed to a PR branch is in the branch's final head (by
 *   patch, so a rebase keeps it), the squash commit carries the merged head's files exactly, and
 *   the spec is on main;
 * - one status comment per PR, however often events were repeated.
 */
import { isStateLabelEntry } from '../../src/core/attempts.ts';
import { createProtectedPathMatcher } from '../../src/core/paths.ts';
import { parseLedger } from '../../src/core/status.ts';
import { labelOf, statesIn } from '../../src/core/states.ts';
import { CONFIG, type RunLog } from './conductor.ts';
import type { Verdict, World } from './world.ts';

export interface RestReport {
  /** Per PR: `merged`, `parked: <reason>` or `parked by a person`. */
  readonly outcomes: string[];
  readonly violations: string[];
}

const isProtected = createProtectedPathMatcher(CONFIG.protectedPaths);

export async function checkAtRest(world: World, log: RunLog): Promise<RestReport> {
  world.quiet();
  const outcomes: string[] = [];
  const violations: string[] = [];
  if (!log.cameToRest) violations.push(`the line did not come to rest (${String(log.jobs)} jobs)`);
  for (const { number, specPath } of log.prs) {
    const found = await checkPullRequest(world, log, number, specPath);
    outcomes.push(found.outcome);
    violations.push(...found.violations.map((text) => `PR #${String(number)}: ${text}`));
  }
  const mainChanges = await world.git(['diff', '--name-only', world.seedSha, 'refs/heads/main']);
  // The specs themselves were written by a person (a spec is floor the agents may not touch).
  const specs = new Set(log.prs.map((pr) => pr.specPath));
  for (const path of mainChanges.split('\n').filter(Boolean))
    if (isProtected(path) && !specs.has(path))
      violations.push(`main changed the protected path ${path}`);
  const internal = world.internalErrors();
  if (internal.length > 0)
    violations.push(`forge internal errors: ${internal.map(String).join('; ')}`);
  return { outcomes, violations };
}

async function checkPullRequest(
  world: World,
  log: RunLog,
  pr: number,
  specPath: string,
): Promise<{ outcome: string; violations: string[] }> {
  const violations: string[] = [];
  const data = await world.readPullAtRest(pr);
  const statusComments = await world.countStatusComments(pr);
  if (statusComments !== 1) violations.push(`${String(statusComments)} status comments`);
  violations.push(...(await checkNothingLost(world, log, pr, data.headRef)));
  violations.push(...(await checkHoldRead(world, log, pr)));
  if (data.merged) {
    violations.push(...(await checkMerge(world, log, pr, specPath)));
    violations.push(...(await checkNotHeld(world, pr)));
    return { outcome: 'merged', violations };
  }
  const states = statesIn(data.labels);
  if (!data.open) return { outcome: 'closed', violations: [...violations, 'closed unmerged'] };
  if (states.length !== 1) violations.push(`${String(states.length)} state labels at rest`);
  if (states[0] !== 'needs-attention')
    return {
      outcome: `stuck at ${states.join(',')}`,
      violations: [...violations, `stuck at ${states.join(', ') || 'no state'}`],
    };
  const parked = await parkOf(world, pr);
  if (parked.kind === 'person') violations.push(...parked.violations);
  else if (parked.kind === 'none') violations.push('parked without a reason in its status comment');
  return {
    outcome:
      parked.kind === 'line'
        ? `parked: ${parked.reason}`
        : parked.kind === 'person'
          ? 'parked by a person'
          : 'parked: ?',
    violations,
  };
}

type Parked =
  | { readonly kind: 'line'; readonly reason: string }
  | { readonly kind: 'person'; readonly violations: string[] }
  | { readonly kind: 'none' };

/** Who parked the PR: the last move to `state:needs-attention` was a person's, or the line's. */
async function parkOf(world: World, pr: number): Promise<Parked> {
  const timeline = await world.github.readTimeline(pr);
  const parkIndex = timeline.findLastIndex(
    (entry) => entry.kind === 'labeled' && entry.label === labelOf('needs-attention'),
  );
  const parkEntry = timeline[parkIndex];
  if (parkEntry !== undefined && !world.github.isFactoryActor(parkEntry.actor)) {
    const after = timeline.slice(parkIndex + 1).filter(isStateLabelEntry);
    return {
      kind: 'person',
      violations: after.map((entry) => `the line moved ${entry.label} after a person parked it`),
    };
  }
  const park = parseLedger((await world.github.readStatusComment(pr))?.body).park;
  return park === undefined ? { kind: 'none' } : { kind: 'line', reason: park.reason };
}

/** A person's dismissal of the line's approval is in the timeline the line reads its holds from. */
async function checkHoldRead(world: World, log: RunLog, pr: number): Promise<string[]> {
  if (!log.dismissals.includes(pr)) return [];
  const timeline = await world.github.readTimeline(pr);
  return timeline.some((entry) => entry.kind === 'approval-withdrawn')
    ? []
    : ['a person dismissed the line’s approval, and the timeline the line reads does not show it'];
}

/** A person who dismissed the line's approval held the PR back until a writer added a state label. */
async function checkNotHeld(world: World, pr: number): Promise<string[]> {
  const timeline = await world.github.readTimeline(pr);
  const isPerson = (login: string) => !world.github.isFactoryActor(login);
  const held = timeline.findLastIndex(
    (entry) => entry.kind === 'approval-withdrawn' && isPerson(entry.actor),
  );
  if (held === -1) return [];
  const resumed = timeline
    .slice(held + 1)
    .some(
      (entry) =>
        isStateLabelEntry(entry) &&
        entry.kind === 'labeled' &&
        entry.label !== labelOf('needs-attention') &&
        isPerson(entry.actor),
    );
  return resumed
    ? []
    : ['merged after a person dismissed the line’s approval, with no move by a person since'];
}

/** Every commit the line pushed is in the branch's final head, by patch (a rebase keeps it). */
async function checkNothingLost(
  world: World,
  log: RunLog,
  pr: number,
  headRef: string,
): Promise<string[]> {
  const finalHead = await world.git(['rev-parse', `refs/heads/${headRef}`]);
  const lost: string[] = [];
  for (const pushed of log.pushes.filter((push) => push.pr === pr)) {
    const cherry = await world.git(['cherry', finalHead, pushed.sha]);
    const missing = cherry.split('\n').filter((line) => line.startsWith('+'));
    if (missing.length > 0)
      lost.push(`pushed commit ${pushed.sha.slice(0, 7)} is lost (${missing.join(', ')})`);
  }
  return lost;
}

/** The merged SHA was tested and approved, changed no protected path, and landed whole. */
async function checkMerge(
  world: World,
  log: RunLog,
  pr: number,
  specPath: string,
): Promise<string[]> {
  const records = log.merges.filter((merge) => merge.pr === pr);
  const [merge] = records;
  if (merge === undefined || records.length !== 1)
    return [`${String(records.length)} merges recorded`];
  const violations: string[] = [];
  const { sha, squashSha } = merge;
  const ci = await world.ciStateOn(sha);
  if (ci !== 'success')
    violations.push(`merged ${sha.slice(0, 7)} without factory/ci success on it (${ci ?? 'none'})`);
  violations.push(...(await checkApproval(world, pr, sha, merge.mainBefore ?? squashSha)));
  const base = await world.git(['merge-base', sha, merge.mainBefore ?? `${squashSha}^`]);
  // With branches required up to date, what lands is exactly the tree CI tested: main's tip at the
  // merge is in the merged head's history.
  if (merge.mainBefore !== undefined && base !== merge.mainBefore)
    violations.push(`merged ${sha.slice(0, 7)} onto a main it was not tested with`);
  // Without rename detection: moving a protected file away changes it.
  const changed = (await world.git(['diff', '--name-only', '--no-renames', base, sha]))
    .split('\n')
    .filter(Boolean);
  for (const path of changed) {
    if (isProtected(path) && path !== specPath)
      violations.push(`merged a change to the protected path ${path}`);
    const [atHead, atSquash] = await Promise.all([
      blobAt(world, sha, path),
      blobAt(world, squashSha, path),
    ]);
    if (atHead !== atSquash) violations.push(`the squash commit lost ${path} of the merged head`);
  }
  if ((await blobAt(world, 'refs/heads/main', specPath)) === undefined)
    violations.push(`${specPath} is not on main`);
  return violations;
}

/**
 * As GitHub weighs reviews, among those that count (the line's, and writers'): each reviewer's
 * latest stands, a dismissed one stands for nothing; no objection stands, and an approval stands
 * that was given on `sha` or on a head with the same patch.
 */
async function checkApproval(
  world: World,
  pr: number,
  sha: string,
  main: string,
): Promise<string[]> {
  const standing = new Map<string, Verdict>();
  for (const review of await world.verdicts(pr)) {
    if (!review.counts) continue;
    if (review.verdict === 'DISMISSED') standing.delete(review.author);
    else standing.set(review.author, review);
  }
  const verdicts = [...standing.values()];
  const objection = verdicts.find((review) => review.verdict === 'REQUEST_CHANGES');
  if (objection !== undefined)
    return [`merged ${sha.slice(0, 7)} over ${objection.author}'s standing objection`];
  const approvals = verdicts.filter((review) => review.verdict === 'APPROVE');
  if (approvals.length === 0) return [`merged ${sha.slice(0, 7)} with no standing approval`];
  for (const { sha: approved } of approvals) {
    if (
      approved === sha ||
      (await patchId(world, approved, main)) === (await patchId(world, sha, main))
    )
      return [];
  }
  return [`merged ${sha.slice(0, 7)} but no standing approval was given on that change`];
}

async function patchId(world: World, head: string, main: string): Promise<string> {
  const base = await world.git(['merge-base', head, main]);
  const diff = await world.git(['diff', base, head]);
  // `git patch-id` reads a diff on stdin; hashing the diff body the same way is enough to compare.
  return diff.replace(/^index .*$/gm, '').replace(/^@@.*@@/gm, '@@');
}

async function blobAt(world: World, ref: string, path: string): Promise<string | undefined> {
  return world.git(['rev-parse', `${ref}:${path}`]).catch(() => undefined);
}

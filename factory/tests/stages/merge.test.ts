/**
 * The merge stage against a twin forge and real git: rebase onto main, CI on the new
 * head, every guardrail on that exact SHA, then a squash merge passing that SHA. A moved head or
 * main goes back, never in; refusals merge nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/adapters/github/index.ts';
import { renderRerunNote } from '../../src/core/notes.ts';
import { UNKNOWN_COMMIT, type GitHubPort } from '../../src/core/ports.ts';
import {
  finishMerge,
  prepareMerge,
  type MergeCandidate,
  type PrepareMergeResult,
} from '../../src/stages/merge.ts';
import type { CiConclusion } from '../../src/stages/gate.ts';
import type { Workbench } from '../../src/stages/workbench.ts';
import {
  FACTORY_LOGIN,
  SEED_FILES,
  WORDS_TS,
  startLineForge,
  type LineForge,
  type OnLine,
} from '../support/line-forge.ts';

interface Job {
  readonly github: GitHubPort;
  readonly workbench: Workbench;
}

/** A PR at state:merge whose CI passed and whose review approved its head. */
async function atMerge(
  line: LineForge,
  slug: string,
  files: Readonly<Record<string, string | null>> = {
    [`src/${slug}.ts`]: `export const ${slug} = 1;\n`,
  },
): Promise<OnLine> {
  const on = await line.openOnLine({ slug, stage: 'merge', files });
  await line.greenAndApproved(on.pr, on.headSha);
  return on;
}

/** A PR at state:merge whose CI passed on its head, and that nobody reviewed yet. */
async function testedUnreviewed(line: LineForge, slug: string, path: string): Promise<OnLine> {
  const on = await line.openOnLine({ slug, stage: 'merge', files: { [path]: 'x\n' } });
  await line.bot.rest.repos.createCommitStatus({
    ...line.repo,
    sha: on.headSha,
    state: 'success',
    context: 'factory/ci',
  });
  return on;
}

function prepare(line: LineForge, on: OnLine, job: Job = line): Promise<PrepareMergeResult> {
  return prepareMerge(
    { github: job.github, config: line.config, workbench: job.workbench },
    { pr: on.pr, expectedHeadSha: on.headSha },
  );
}

function candidateOf(prepared: PrepareMergeResult): MergeCandidate {
  if (prepared.kind !== 'ready')
    throw new Error(`expected a candidate, got ${JSON.stringify(prepared)}`);
  return prepared.candidate;
}

function finish(line: LineForge, candidate: MergeCandidate, ciConclusion?: CiConclusion) {
  return finishMerge(
    { github: line.github, config: line.config },
    { candidate, ...(ciConclusion === undefined ? {} : { ciConclusion }) },
  );
}

/** CI passed on the candidate head, and the merge squash-merges it. */
async function expectMergedAfterGreenCi(line: LineForge, on: OnLine, candidate: MergeCandidate) {
  expect(await finish(line, candidate, 'success')).toEqual({
    kind: 'moved',
    pr: on.pr,
    to: 'merged',
  });
}

function onMain(line: LineForge, files: Readonly<Record<string, string>>) {
  return line.forge.commit('octo-owner', { branch: 'main', files });
}

async function expectNotMerged(line: LineForge, on: OnLine) {
  expect(line.mergeCalls()).toBe(0);
  expect(await line.github.readPullRequest(on.pr)).toMatchObject({ open: true, merged: false });
}

/** The merge's update job parks push-refused, quoting GitHub, with the branch as it was. */
async function expectPushRefused(line: LineForge, on: OnLine, whileDoing: string) {
  const dispatched = line.dispatches().length;

  const outcome = await prepare(line, on);

  expect(outcome).toMatchObject({
    kind: 'settled',
    outcome: { kind: 'parked', reason: 'push-refused' },
  });
  expect((await line.ledgerOf(on.pr)).park?.detail).toContain(
    `GitHub refused the line’s push to ${on.headRef} while ${whileDoing}: `,
  );
  expect(await line.branchSha(on.headRef)).toBe(on.headSha);
  expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
  expect(line.dispatches()).toHaveLength(dispatched);
  expect(await line.github.readPullRequest(on.pr)).toMatchObject({ open: true, merged: false });
}

/** A review of the PR's head by a person. */
async function review(
  line: LineForge,
  login: string,
  on: OnLine,
  event: 'APPROVE' | 'REQUEST_CHANGES',
) {
  await asPerson(line, login).rest.pulls.createReview({
    ...line.repo,
    pull_number: on.pr,
    commit_id: on.headSha,
    event,
    body: `${login}: ${event}`,
  });
}

/** A client of `login`'s own, as a person acting on the PR from GitHub's page would use. */
function asPerson(line: LineForge, login: string) {
  return createOctokit({
    token: line.forge.as(login),
    baseUrl: line.forge.apiUrl,
    retry: { msPerSecond: 2, spaceWrites: false },
  });
}

/** A writer dismisses the line's approval of `on`'s head, as GitHub lets them, saying why. */
async function dismissLineApproval(line: LineForge, on: OnLine, message: string) {
  const { data: reviews } = await line.bot.rest.pulls.listReviews({
    ...line.repo,
    pull_number: on.pr,
  });
  const approval = reviews.find((r) => r.state === 'APPROVED' && r.commit_id === on.headSha);
  await asPerson(line, 'writer').rest.pulls.dismissReview({
    ...line.repo,
    pull_number: on.pr,
    review_id: approval?.id ?? 0,
    message,
  });
}

/**
 * Protects main as its owner would, requiring `contexts` (up to date first when `strict`) and,
 * when given, approving reviews.
 */
async function protectMain(
  line: LineForge,
  checks: { strict: boolean; contexts: string[] },
  reviews: {
    required_approving_review_count: number;
    dismiss_stale_reviews: boolean;
  } | null = null,
) {
  await asPerson(line, 'octo-owner').rest.repos.updateBranchProtection({
    ...line.repo,
    branch: 'main',
    required_status_checks: checks,
    enforce_admins: true,
    required_pull_request_reviews: reviews,
    restrictions: null,
  });
}

/** `src/words.ts` with line `n` replaced. */
function wordsWith(n: number, text: string, words = WORDS_TS): string {
  const lines = words.split('\n');
  lines[n - 1] = text;
  return lines.join('\n');
}

describe('merging a PR that is up to date with main', { timeout: 60_000 }, () => {
  let line: LineForge;
  beforeAll(async () => {
    line = await startLineForge({ lifetime: 'file' });
  }, 30_000);

  it('R-06: never merges when the head was pushed to between CI and the merge', async () => {
    const on = await atMerge(line, 'pushed');
    const candidate = candidateOf(await prepare(line, on));
    await line.forge.commit('writer', { branch: on.headRef, files: { 'src/late.ts': 'x\n' } });
    const writes = line.writeRequests().length;

    const outcome = await finish(line, candidate);

    expect(outcome).toMatchObject({ kind: 'stood-down', pr: on.pr });
    expect(line.writeRequests().slice(writes)).toEqual([]);
    await expectNotMerged(line, on);
  });

  it('R-06: sends a head pushed after the gate back to be tested and reviewed, merging nothing', async () => {
    const opened = await atMerge(line, 'late');
    const pushed = await line.forge.commit('writer', {
      branch: opened.headRef,
      files: { 'src/late-too.ts': 'x\n' },
    });
    // Dispatched for the new head, as the watchdog does after the first merge stood down.
    const on = { ...opened, headSha: pushed.sha };

    const outcome = await finish(line, candidateOf(await prepare(line, on)));

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'implementation-ci' });
    await expectNotMerged(line, on);
    expect(await line.labelsOf(on.pr)).toEqual(['state:implementation-ci']);
    expect(line.dispatches().at(-1)).toEqual({
      stage: 'implementation-ci',
      inputs: { pr: String(on.pr), expected_head_sha: on.headSha },
    });
  });

  it('parks spec-changed, merging nothing, when the spec differs from the one queued', async () => {
    const opened = await atMerge(line, 'respec');
    const pushed = await line.forge.commit('writer', {
      branch: opened.headRef,
      files: { [opened.specPath]: '# Word count, changed\n' },
    });
    const on = { ...opened, headSha: pushed.sha };
    await line.greenAndApproved(on.pr, on.headSha);
    const candidate = candidateOf(await prepare(line, on));
    const before = line.forge.requestLog.entries().length;

    const outcome = await finish(line, candidate);

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'spec-changed' });
    expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
    // The spec's blob at the head comes with the PR's changed files, not from a read of its own.
    const routes = line.forge.requestLog
      .entries()
      .slice(before)
      .map((entry) => entry.route);
    expect(routes).toContain('GET /repos/{owner}/{repo}/pulls/{pull_number}/files');
    expect(routes).not.toContain('GET /repos/{owner}/{repo}/contents/{+path}');
    await expectNotMerged(line, on);
  });

  it('parks protected-path, merging nothing, when the PR changes a protected path', async () => {
    const on = await atMerge(line, 'floor', { 'factory/src/x.ts': 'export {};\n' });

    const outcome = await finish(line, candidateOf(await prepare(line, on)));

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'protected-path' });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain('factory/src/x.ts');
    await expectNotMerged(line, on);
  });

  it('R-08: parks protected-path, merging nothing, when a person’s commit moves a protected file away', async () => {
    const workflow = '.github/workflows/plan.yml';
    const on = await atMerge(line, 'moved-away', {
      [workflow]: null,
      'notes/plan.yml': SEED_FILES[workflow] ?? '',
    });

    const outcome = await finish(line, candidateOf(await prepare(line, on)));

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'protected-path' });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain(workflow);
    await expectNotMerged(line, on);
  });

  it('parks not-approved, merging nothing, when no review approved the head', async () => {
    const on = await testedUnreviewed(line, 'unapproved', 'src/unapproved.ts');

    const outcome = await finish(line, candidateOf(await prepare(line, on)));

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    await expectNotMerged(line, on);
  });

  it('parks not-approved when a writer’s objection stands on a commit GitHub no longer knows', async () => {
    const on = await atMerge(line, 'collected');
    // GitHub collects the commits a force-push left behind, and then ties the review to none.
    const github: GitHubPort = {
      ...line.github,
      readMergeReadiness: async (pr, sha, branch) => {
        const readiness = await line.github.readMergeReadiness(pr, sha, branch);
        const objection = {
          verdict: 'REQUEST_CHANGES',
          sha: UNKNOWN_COMMIT,
          author: 'writer',
          body: 'Not like this.',
          at: new Date().toISOString(),
        } as const;
        return { ...readiness, reviews: [...readiness.reviews, objection] };
      },
    };
    const candidate = candidateOf(await prepare(line, on));

    const outcome = await finishMerge({ github, config: line.config }, { candidate });

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    await expectNotMerged(line, on);
  });

  it('parks not-approved when only someone without write permission approved the head', async () => {
    const on = await testedUnreviewed(line, 'passer-by', 'src/p.ts');
    await review(line, 'reader', on, 'APPROVE');

    const outcome = await finish(line, candidateOf(await prepare(line, on)));

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    await expectNotMerged(line, on);
  });

  it('squash-merges exactly the tested, approved head and dispatches the scheduler', async () => {
    const on = await atMerge(line, 'ready');
    const mainBefore = await line.branchSha('main');
    const pushes = line.pushes();

    const candidate = candidateOf(await prepare(line, on));
    const outcome = await finish(line, candidate);

    expect(candidate).toEqual({ pr: on.pr, headSha: on.headSha, baseSha: mainBefore });
    expect(line.pushes()).toBe(pushes);
    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'merged' });
    expect(line.mergeCalls()).toBe(1);
    expect(await line.github.readPullRequest(on.pr)).toMatchObject({ merged: true });
    const mainAfter = (await line.branchSha('main')) ?? '';
    const { data: commit } = await line.bot.rest.repos.getCommit({ ...line.repo, ref: mainAfter });
    expect(commit.parents.map((parent) => parent.sha)).toEqual([mainBefore]);
    expect(await line.github.readFile('src/ready.ts', mainAfter)).toBeDefined();
    expect(line.dispatches().at(-1)).toEqual({ stage: 'scheduler', inputs: {} });
    expect(await line.statusBodyOf(on.pr)).toContain('merged ✅');
  });

  it('merges on the approval of a person with write permission; a reader’s later objection parks nothing', async () => {
    const on = await testedUnreviewed(line, 'maintainer', 'src/m.ts');
    await review(line, 'octo-owner', on, 'APPROVE');
    await review(line, 'reader', on, 'REQUEST_CHANGES');

    const outcome = await finish(line, candidateOf(await prepare(line, on)));

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'merged' });
  });

  it('lets a maintainer’s objection stand against the line’s later approval, as GitHub does', async () => {
    const on = await line.openOnLine({
      slug: 'objected',
      stage: 'merge',
      files: { 'src/o.ts': 'x\n' },
    });
    await review(line, 'octo-owner', on, 'REQUEST_CHANGES');
    await line.greenAndApproved(on.pr, on.headSha);

    const outcome = await finish(line, candidateOf(await prepare(line, on)));

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    expect(await line.github.readPullRequest(on.pr)).toMatchObject({ open: true, merged: false });
  });
});

describe('merging after main moved', { timeout: 60_000 }, () => {
  let line: LineForge;
  const prs: Record<string, OnLine> = {};
  beforeAll(async () => {
    line = await startLineForge({ lifetime: 'file' });
    prs.carried = await atMerge(line, 'carried');
    prs.altered = await atMerge(line, 'altered', {
      'src/words.ts': wordsWith(6, 'export const w6 = 66;'),
    });
    prs.red = await atMerge(line, 'red');
    prs.moved = await atMerge(line, 'moved');
    prs.parkedMidRebase = await atMerge(line, 'parked-mid-rebase');
    prs.pushedOver = await atMerge(line, 'pushed-over');
    prs.overwritten = await atMerge(line, 'overwritten');
    prs.signed = await atMerge(line, 'signed');
    await line.addPushRule(prs.signed.headRef, 'required_signatures');
    await onMain(line, {
      'src/words.ts': wordsWith(3, 'export const w3 = 33;'),
      'README.md': '# Widgets, theirs\n',
    });
  }, 60_000);

  it('parks push-refused, quoting GitHub, when a ruleset refuses the rebased head the line pushes', async () => {
    const on = prs.signed;
    if (on === undefined) throw new Error('no PR');
    await expectPushRefused(line, on, 'it was brought up to date');
  });

  it('R-19: pushes no rebased head when a person moved the PR while it was rebased', async () => {
    const on = prs.parkedMidRebase;
    if (on === undefined) throw new Error('no PR');
    const workbench: Workbench = {
      checkoutHead: async (pr) => {
        const git = await line.workbench.checkoutHead(pr);
        await line.move(pr.number, 'needs-attention');
        return git;
      },
    };
    const pushes = line.pushes();

    const outcome = await prepare(line, on, { github: line.github, workbench });

    expect(outcome).toMatchObject({ kind: 'settled', outcome: { kind: 'stood-down' } });
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
  });

  it('R-06: hands on no candidate when the head read back after the rebase’s push is someone else’s', async () => {
    const on = prs.pushedOver;
    if (on === undefined) throw new Error('no PR');
    const pushes = line.pushes();
    const someoneElses = (await line.branchSha('main')) ?? '';
    // Right after the line's push, GitHub shows a head the line did not push: a person's.
    const github: GitHubPort = {
      ...line.github,
      readPullRequest: async (number) => {
        const pr = await line.github.readPullRequest(number);
        return pr !== undefined && line.pushes() > pushes ? { ...pr, headSha: someoneElses } : pr;
      },
    };
    const dispatched = line.dispatches().length;

    const outcome = await prepare(line, on, { github, workbench: line.workbench });

    expect(outcome).toMatchObject({ kind: 'settled', outcome: { kind: 'stood-down' } });
    expect(line.dispatches()).toHaveLength(dispatched);
  });

  it('parks not-approved when the rebase altered the change the approval was given on', async () => {
    const on = prs.altered;
    if (on === undefined) throw new Error('no PR');

    const candidate = candidateOf(await prepare(line, on));
    const outcome = await finish(line, candidate, 'success');

    expect(candidate.updatedFrom).toEqual({ sha: on.headSha, patchUnchanged: false });
    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    await expectNotMerged(line, on);
  });

  it('R-06: sends a PR whose CI failed after the rebase back to the implementer, with the failure in the ledger', async () => {
    const on = prs.red;
    if (on === undefined) throw new Error('no PR');

    const candidate = candidateOf(await prepare(line, on));
    const outcome = await finish(line, candidate, 'failure');

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'implementation' });
    expect(await line.labelsOf(on.pr)).toEqual(['state:implementation']);
    expect((await line.ledgerOf(on.pr)).feedback).toMatchObject({ kind: 'ci', from: 'merge' });
    expect(line.dispatches().at(-1)).toEqual({
      stage: 'implementation',
      inputs: { pr: String(on.pr), expected_head_sha: candidate.headSha },
    });
    const checks = await line.github.readChecks(candidate.headSha);
    expect(checks).toEqual([
      expect.objectContaining({ name: 'factory/ci', conclusion: 'failure' }),
    ]);
    await expectNotMerged(line, on);
  });

  it('R-06: sends the PR round the merge again, unmerged, when main moved after the rebase', async () => {
    const on = prs.moved;
    if (on === undefined) throw new Error('no PR');
    const candidate = candidateOf(await prepare(line, on));
    await onMain(line, { 'docs/late.md': 'late\n' });

    const outcome = await finish(line, candidate, 'success');

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'merge' });
    expect(await line.notesOf(on.pr)).toEqual([renderRerunNote('merge', 'main-moved')]);
    expect(line.dispatches().at(-1)).toEqual({
      stage: 'merge',
      inputs: { pr: String(on.pr), expected_head_sha: candidate.headSha },
    });
    expect(await line.labelsOf(on.pr)).toEqual(['state:merge']);
    await expectNotMerged(line, on);
  });

  it('ADR 0004: carries no approval to a head a person pushed, whatever the ledger says of the heads before it', async () => {
    const on = prs.overwritten;
    if (on === undefined) throw new Error('no PR');
    // The ledger says some earlier rebased head had the approved head's patch…
    const ledger = await line.ledgerOf(on.pr);
    const rebasedOnce = (await line.branchSha('main')) ?? '';
    await line.writeLedger(on.pr, 'merge', {
      ...ledger,
      samePatch: { head: rebasedOnce, earlier: [on.headSha] },
    });
    // …and a person pushed a change of their own on top, which nobody reviewed.
    const { sha: theirs } = await line.forge.commit('writer', {
      branch: on.headRef,
      files: { 'src/theirs.ts': 'export const theirs = 1;\n' },
    });

    const candidate = candidateOf(await prepare(line, { ...on, headSha: theirs }));
    const outcome = await finish(line, candidate, 'success');

    expect(candidate.updatedFrom).toEqual({ sha: theirs, patchUnchanged: true });
    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    await expectNotMerged(line, on);
  });

  it('carries the approval over a rebase that left the change unaltered, and merges the rebased head after CI passed on it', async () => {
    const on = prs.carried;
    if (on === undefined) throw new Error('no PR');
    const main = await line.branchSha('main');

    const candidate = candidateOf(await prepare(line, on));
    expect(candidate).toMatchObject({
      baseSha: main,
      updatedFrom: { sha: on.headSha, patchUnchanged: true },
    });
    expect((await line.github.readPullRequest(on.pr))?.headSha).toBe(candidate.headSha);

    const outcome = await finish(line, candidate, 'success');

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'merged' });
    expect(line.mergeCalls()).toBe(1);
    const checks = await line.github.readChecks(candidate.headSha);
    expect(checks).toEqual([
      expect.objectContaining({ name: 'factory/ci', conclusion: 'success' }),
    ]);
    const mainAfter = (await line.branchSha('main')) ?? '';
    const { data: commit } = await line.bot.rest.repos.getCommit({ ...line.repo, ref: mainAfter });
    expect(commit.parents.map((parent) => parent.sha)).toEqual([main]);
  });
});

describe('merging after main changed a workflow, as the default token', { timeout: 60_000 }, () => {
  let line: LineForge;
  const prs: Record<string, OnLine> = {};
  beforeAll(async () => {
    line = await startLineForge({ lifetime: 'file' });
    prs.server = await atMerge(line, 'server');
    prs.refused = await atMerge(line, 'refused');
    prs.conflicted = await atMerge(line, 'conflicted', { 'README.md': '# Widgets, mine\n' });
    prs.unforced = await atMerge(line, 'unforced');
    await line.addPushRule(prs.unforced.headRef, 'non_fast_forward');
    await onMain(line, {
      '.github/workflows/ci.yml': 'name: ci\non: [push]\n',
      'README.md': '# Widgets, theirs\n',
    });
  }, 60_000);

  /** Git pushes and server-side branch updates from here on. */
  function watchUpdates() {
    const updates = () =>
      line.forge.requestLog.countsByRoute()['POST /graphql mutation updateBranch'] ?? 0;
    const [pushes, before] = [line.pushes(), updates()];
    return () => ({ pushes: line.pushes() - pushes, serverUpdates: updates() - before });
  }

  it('merges main in on GitHub’s side when a ruleset forbids the force push its rebase would be', async () => {
    const on = prs.unforced;
    if (on === undefined) throw new Error('no PR');
    const seen = watchUpdates();

    const candidate = candidateOf(await prepare(line, on));

    expect(seen()).toEqual({ pushes: 0, serverUpdates: 2 });
    expect(candidate.updatedFrom).toEqual({ sha: on.headSha, patchUnchanged: true });
    const { data: commit } = await line.bot.rest.repos.getCommit({
      ...line.repo,
      ref: candidate.headSha,
    });
    expect(commit.parents.map((parent) => parent.sha)).toEqual([
      on.headSha,
      await line.branchSha('main'),
    ]);
  });

  it('rebases on GitHub’s side instead of pushing, and tests the head GitHub made', async () => {
    const on = prs.server;
    if (on === undefined) throw new Error('no PR');
    const seen = watchUpdates();

    const candidate = candidateOf(await prepare(line, on));

    expect(seen()).toEqual({ pushes: 0, serverUpdates: 1 });
    expect(candidate.headSha).not.toBe(on.headSha);
    expect((await line.github.readPullRequest(on.pr))?.headSha).toBe(candidate.headSha);
    const { data: commit } = await line.bot.rest.repos.getCommit({
      ...line.repo,
      ref: candidate.headSha,
    });
    expect(commit.parents.map((parent) => parent.sha)).toEqual([await line.branchSha('main')]);
  });

  it('parks workflow-change-needs-app with zero pushes when GitHub refuses that rebase too', async () => {
    const on = prs.refused;
    if (on === undefined) throw new Error('no PR');
    const job = line.jobWith({
      contents: 'read',
      issues: 'write',
      'pull-requests': 'write',
      actions: 'write',
    });
    const pushes = line.pushes();

    const prepared = await prepare(line, on, job);

    expect(prepared).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', reason: 'workflow-change-needs-app' },
    });
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
    await expectNotMerged(line, on);
  });

  it('R-18: parks conflict with zero pushes when the merge that marks a conflict would carry the workflow change', async () => {
    const on = prs.conflicted;
    if (on === undefined) throw new Error('no PR');
    const pushes = line.pushes();

    const prepared = await prepare(line, on);

    expect(prepared).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', reason: 'conflict' },
    });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain(
      'main changed workflow files, which the default token may not push',
    );
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    await expectNotMerged(line, on);
  });
});

describe('a conflict with main (R-18)', { timeout: 90_000 }, () => {
  let line: LineForge;
  const prs: Record<string, OnLine> = {};
  /** Main changes lines 1, 4, 7 and 10 of `src/words.ts`; each PR changed one of them. */
  const THEIRS = [1, 4, 7, 10].reduce(
    (words, n) => wordsWith(n, `export const w${String(n)} = ${String(n * 11)};`, words),
    WORDS_TS,
  );
  const words = (text: string) => ({ 'src/words.ts': text });
  beforeAll(async () => {
    line = await startLineForge({ lifetime: 'file' });
    prs.resolved = await atMerge(line, 'resolved', words(wordsWith(1, 'export const w1 = -1;')));
    prs.marked = await atMerge(line, 'marked', words(wordsWith(4, 'export const w4 = -4;')));
    prs.again = await atMerge(line, 'again', words(wordsWith(7, 'export const w7 = -7;')));
    prs.replayed = await atMerge(line, 'replayed', words(wordsWith(10, 'export const w10 = -10;')));
    prs.crashed = await atMerge(line, 'crashed', {
      'docs/crashed.md': '<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> main\n',
    });
    prs.binary = await atMerge(line, 'binary', { 'docs/logo.bin': '\0mine\n' });
    prs.relabelled = await atMerge(line, 'relabelled', { 'README.md': '# Widgets, mine\n' });
    prs.held = await atMerge(line, 'held', words(wordsWith(10, 'export const w10 = -100;')));
    prs.refused = await atMerge(line, 'refused', words(wordsWith(1, 'export const w1 = -101;')));
    await line.addPushRule(pr('refused').headRef, 'required_signatures');
    await onMain(line, {
      ...words(THEIRS),
      'docs/logo.bin': '\0theirs\n',
      'README.md': '# Widgets, theirs\n',
    });
  }, 60_000);

  function pr(name: string): OnLine {
    const on = prs[name];
    if (on === undefined) throw new Error(`no PR ${name}`);
    return on;
  }

  /** The merge's first pass: the conflict goes back to the implementer on a merge that marks it. */
  async function handedBack(on: OnLine): Promise<string> {
    const outcome = await prepare(line, on);
    expect(outcome).toEqual({
      kind: 'settled',
      outcome: { kind: 'moved', pr: on.pr, to: 'implementation' },
    });
    const marked = (await line.github.readPullRequest(on.pr))?.headSha ?? '';
    expect(marked).not.toBe(on.headSha);
    return marked;
  }

  /** What the implementer's apply job would push, then CI and the code review on that head. */
  async function implementerPushes(on: OnLine, files: Readonly<Record<string, string>>) {
    const { sha } = await line.forge.commit('writer', { branch: on.headRef, files });
    await line.greenAndApproved(on.pr, sha);
    await line.move(on.pr, 'merge');
    return { ...on, headSha: sha };
  }

  it('parks a PR a person holds back instead of handing its conflict to the implementer, pushing nothing', async () => {
    const on = pr('held');
    // The person acts while the merge clones the branch, after its first read.
    const workbench: Workbench = {
      checkoutHead: async (snapshot) => {
        const git = await line.workbench.checkoutHead(snapshot);
        await dismissLineApproval(line, on, 'Not this week.');
        return git;
      },
    };
    const dispatched = line.dispatches().length;

    const outcome = await prepare(line, on, { github: line.github, workbench });

    expect(outcome).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', reason: 'not-approved' },
    });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain('Not this week.');
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(line.dispatches()).toHaveLength(dispatched);
  });

  it('parks push-refused, quoting GitHub, when a ruleset refuses the merge that marks the conflict', async () => {
    await expectPushRefused(line, pr('refused'), 'main was merged in');
  });

  it('goes back to the implementer once, on a merge of main that marks the conflict; resolved, that head merges', async () => {
    const on = pr('resolved');
    const mainSha = (await line.branchSha('main')) ?? '';

    const marked = await handedBack(on);

    const { data: merge } = await line.bot.rest.repos.getCommit({ ...line.repo, ref: marked });
    expect(merge.parents.map((parent) => parent.sha)).toEqual([on.headSha, mainSha]);
    const text = (await line.github.readFile('src/words.ts', marked))?.text ?? '';
    expect(text).toContain(
      '<<<<<<< HEAD\nexport const w1 = -1;\n=======\nexport const w1 = 11;\n>>>>>>>',
    );
    expect(text).toContain('export const w4 = 44;');
    const feedback = (await line.ledgerOf(on.pr)).feedback;
    expect(feedback).toMatchObject({ kind: 'conflict', from: 'merge' });
    expect(feedback?.text).toContain('src/words.ts');
    expect(feedback?.text).toContain(marked);
    expect(await line.notesOf(on.pr)).toEqual([renderRerunNote('implementation', 'conflict')]);
    expect(line.dispatches().at(-1)).toEqual({
      stage: 'implementation',
      inputs: { pr: String(on.pr), expected_head_sha: marked },
    });

    const resolvedText = wordsWith(1, 'export const w1 = -11;', THEIRS);
    const resolved = await implementerPushes(on, words(resolvedText));
    const candidate = candidateOf(await prepare(line, resolved));

    expect(candidate).toEqual({ pr: on.pr, headSha: resolved.headSha, baseSha: mainSha });
    expect(await finish(line, candidate)).toEqual({ kind: 'moved', pr: on.pr, to: 'merged' });
    expect((await line.github.readFile('src/words.ts', 'main'))?.text).toBe(resolvedText);
  });

  it('parks conflict, pushing and merging nothing, when the implementer left a conflict marker in place', async () => {
    const on = pr('marked');
    await handedBack(on);

    const unresolved = await implementerPushes(on, { 'src/other.ts': 'export {};\n' });
    const pushes = line.pushes();
    const merges = line.mergeCalls();
    const outcome = await prepare(line, unresolved);

    expect(outcome).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', reason: 'conflict' },
    });
    expect((await line.ledgerOf(on.pr)).park?.detail).toBe(
      'Conflict markers are still in src/words.ts after the implementer had its turn to resolve them.',
    );
    expect(line.pushes()).toBe(pushes);
    expect(line.mergeCalls()).toBe(merges);
  });

  it('updates a resolved branch by merging main again, then parks conflict, pushing nothing, when main conflicts again', async () => {
    const on = pr('again');
    const marked = await handedBack(on);
    const resolved = await implementerPushes(
      { ...on, headSha: marked },
      words(wordsWith(7, 'export const w7 = -77;', THEIRS)),
    );
    // Main moves elsewhere: a rebase would replay the resolved conflict, a merge of main does not.
    const elsewhere = await onMain(line, { 'docs/elsewhere.md': 'elsewhere\n' });
    const updated = candidateOf(await prepare(line, resolved));
    const { data: merge } = await line.bot.rest.repos.getCommit({
      ...line.repo,
      ref: updated.headSha,
    });
    expect(merge.parents.map((parent) => parent.sha)).toEqual([resolved.headSha, elsewhere.sha]);
    expect(updated.updatedFrom).toEqual({ sha: resolved.headSha, patchUnchanged: true });

    const mainNow = (await line.github.readFile('src/words.ts', 'main'))?.text ?? '';
    await onMain(line, words(wordsWith(7, 'export const w7 = 777;', mainNow)));
    const pushes = line.pushes();
    const merges = line.mergeCalls();

    const outcome = await prepare(line, { ...resolved, headSha: updated.headSha });

    expect(outcome).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', reason: 'conflict' },
    });
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(updated.headSha);
    expect(line.mergeCalls()).toBe(merges);
    expect(await line.github.readPullRequest(on.pr)).toMatchObject({ open: true, merged: false });
  });

  it('merges main in without the implementer when only a commit-by-commit rebase conflicts', async () => {
    const opened = pr('replayed');
    // The PR's second commit takes its first one's change back: its whole change no longer
    // touches the line main changed, though replaying the first commit alone still conflicts.
    const on = await implementerPushes(opened, {
      'src/words.ts': WORDS_TS,
      'src/replayed.ts': 'export const replayed = 1;\n',
    });

    const candidate = candidateOf(await prepare(line, on));

    expect(candidate.updatedFrom).toEqual({ sha: on.headSha, patchUnchanged: true });
    const { data: merge } = await line.bot.rest.repos.getCommit({
      ...line.repo,
      ref: candidate.headSha,
    });
    expect(merge.parents.map((parent) => parent.sha)).toEqual([on.headSha, candidate.baseSha]);
    await expectMergedAfterGreenCi(line, on, candidate);
  });

  it('sends a head that already carries markers back to the implementer, pushing nothing (a job that crashed after pushing them)', async () => {
    const on = pr('crashed');
    const pushes = line.pushes();

    const outcome = await prepare(line, on);

    expect(outcome).toEqual({
      kind: 'settled',
      outcome: { kind: 'moved', pr: on.pr, to: 'implementation' },
    });
    expect(line.pushes()).toBe(pushes);
    expect((await line.ledgerOf(on.pr)).feedback?.text).toContain('docs/crashed.md');
  });

  it('parks conflict with zero pushes when git cannot mark the conflict (a binary file)', async () => {
    const on = pr('binary');
    const pushes = line.pushes();

    const outcome = await prepare(line, on);

    expect(outcome).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', reason: 'conflict' },
    });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain(
      'git cannot mark docs/logo.bin (a binary file, or a file deleted on one side)',
    );
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
  });

  it('R-19: pushes no markers when a person moved the PR while main was merged in', async () => {
    const on = pr('relabelled');
    const github: GitHubPort = {
      ...line.github,
      // The person parks the PR just after the merge read where the conflict would lead.
      readConversation: async (number) => {
        const conversation = await line.github.readConversation(number);
        await line.move(number, 'needs-attention');
        return conversation;
      },
    };
    const pushes = line.pushes();

    const outcome = await prepare(line, on, { github, workbench: line.workbench });

    expect(outcome).toMatchObject({ kind: 'settled', outcome: { kind: 'stood-down' } });
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
  });
});

describe('merging into a branch whose protection the line cannot meet', { timeout: 60_000 }, () => {
  it('R-06: when main moves just before the merge call, GitHub refuses (branches must be up to date) and the next round merges the head rebased and tested on the new main', async () => {
    const line = await startLineForge();
    await protectMain(line, { strict: true, contexts: ['factory/ci'] });
    const on = await atMerge(line, 'raced');
    // Main moved since the review: this round rebases the approved head, patch unchanged.
    await onMain(line, { 'docs/early.md': 'x\n' });
    const candidate = candidateOf(await prepare(line, on));
    // Main moves after the merge job read its tip for the last time, as the merge is asked for.
    const racing: GitHubPort = {
      ...line.github,
      mergeExactly: async (pr, sha, title) => {
        await onMain(line, { 'docs/raced.md': 'x\n' });
        return line.github.mergeExactly(pr, sha, title);
      },
    };

    const outcome = await finishMerge(
      { github: racing, config: line.config },
      { candidate, ciConclusion: 'success' },
    );

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'merge' });
    expect(await line.notesOf(on.pr)).toEqual([renderRerunNote('merge', 'main-moved')]);
    expect(line.mergeCalls()).toBe(1);
    expect(await line.github.readPullRequest(on.pr)).toMatchObject({ open: true, merged: false });

    // The next round rebases that head onto the new main and, once CI passed on it, merges it on
    // the approval given before the first rebase.
    const second = candidateOf(await prepare(line, { ...on, headSha: candidate.headSha }));
    expect(second.baseSha).not.toBe(candidate.baseSha);
    await expectMergedAfterGreenCi(line, on, second);
    expect(line.mergeCalls()).toBe(2);
  });

  it('counts the approval over a second rebase of the same patch when main moved again during the first round’s CI, and merges', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'twice');
    await onMain(line, { 'docs/one.md': '1\n' });
    const first = candidateOf(await prepare(line, on));
    await onMain(line, { 'docs/two.md': '2\n' });

    expect(await finish(line, first, 'success')).toEqual({ kind: 'moved', pr: on.pr, to: 'merge' });
    const second = candidateOf(await prepare(line, { ...on, headSha: first.headSha }));
    expect(second.updatedFrom).toEqual({ sha: first.headSha, patchUnchanged: true });

    await expectMergedAfterGreenCi(line, on, second);
    expect(line.mergeCalls()).toBe(1);
  });

  it('parks merge-refused, quoting GitHub, instead of rebasing again when main has not moved', async () => {
    const line = await startLineForge();
    await protectMain(line, { strict: false, contexts: ['factory/ci', 'build'] });
    const on = await atMerge(line, 'guarded');

    const outcome = await finish(line, candidateOf(await prepare(line, on)));

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'merge-refused' });
    expect(line.mergeCalls()).toBe(1);
    expect(await line.github.readPullRequest(on.pr)).toMatchObject({ open: true, merged: false });
    const { park } = await line.ledgerOf(on.pr);
    expect(park).toMatchObject({ reason: 'merge-refused', stage: 'merge' });
    expect(park?.detail).toContain('Required status check "build" is expected.');
    expect(await line.notesOf(on.pr)).toEqual([]);
  });
});

describe('merging into a branch that dismisses stale approvals', { timeout: 60_000 }, () => {
  /** A line whose main wants factory/ci on heads up to date and one approval, dismissed when stale. */
  async function dismissingStaleApprovals(): Promise<LineForge> {
    const line = await startLineForge();
    await protectMain(
      line,
      { strict: true, contexts: ['factory/ci'] },
      { required_approving_review_count: 1, dismiss_stale_reviews: true },
    );
    return line;
  }

  it('R-06: sends the head its own rebase made back to code review, since GitHub dismissed the approval, and merges it once reviewed', async () => {
    const line = await dismissingStaleApprovals();
    const on = await atMerge(line, 'stale');
    await onMain(line, { 'docs/newer.md': 'x\n' });
    const candidate = candidateOf(await prepare(line, on));
    expect(candidate.updatedFrom).toEqual({ sha: on.headSha, patchUnchanged: true });

    const outcome = await finish(line, candidate, 'success');

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'code-review' });
    expect(await line.labelsOf(on.pr)).toEqual(['state:code-review']);
    expect(line.dispatches().at(-1)).toEqual({
      stage: 'code-review',
      inputs: { pr: String(on.pr), expected_head_sha: candidate.headSha },
    });
    await expectNotMerged(line, on);

    // The code review approves the rebased head as it is; the merge needs no rebase now.
    await line.greenAndApproved(on.pr, candidate.headSha);
    await line.github.setState(on.pr, await line.labelsOf(on.pr), 'merge');
    const reviewed = candidateOf(await prepare(line, { ...on, headSha: candidate.headSha }));
    expect(reviewed.updatedFrom).toBeUndefined();
    expect(await finish(line, reviewed)).toEqual({ kind: 'moved', pr: on.pr, to: 'merged' });
    expect(line.mergeCalls()).toBe(1);
  });

  it('parks not-approved when the rebase altered the change whose approval GitHub dismissed', async () => {
    const line = await dismissingStaleApprovals();
    const on = await atMerge(line, 'rewritten', {
      'src/words.ts': wordsWith(6, 'export const w6 = 66;'),
    });
    await onMain(line, { 'src/words.ts': wordsWith(3, 'export const w3 = 33;') });
    const candidate = candidateOf(await prepare(line, on));
    expect(candidate.updatedFrom).toEqual({ sha: on.headSha, patchUnchanged: false });

    const outcome = await finish(line, candidate, 'success');

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    await expectNotMerged(line, on);
  });

  it('parks not-approved when a person’s objection stands beside the dismissed approval', async () => {
    const line = await dismissingStaleApprovals();
    const on = await atMerge(line, 'objected');
    await review(line, 'octo-owner', on, 'REQUEST_CHANGES');
    await onMain(line, { 'docs/newer.md': 'x\n' });

    const outcome = await finish(line, candidateOf(await prepare(line, on)), 'success');

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    await expectNotMerged(line, on);
  });
});

describe('a person dismissing the line’s approval', { timeout: 60_000 }, () => {
  it('R-19: parks not-approved naming them and quoting why before the merge touches the branch: nothing rebased, pushed or tested', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'held');
    await dismissLineApproval(line, on, 'Hold this until\nthe release is out.');
    await onMain(line, { 'docs/newer.md': 'x\n' });
    const pushes = line.pushes();
    const dispatched = line.dispatches().length;

    const outcome = await prepare(line, on);

    expect(outcome).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', pr: on.pr, reason: 'not-approved' },
    });
    expect((await line.ledgerOf(on.pr)).park?.detail).toBe(
      `writer dismissed the line's approval of ${on.headSha.slice(0, 7)}, saying “Hold this until the release is out.”; the line holds the PR until a person with write permission sets its state label again.`,
    );
    expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(line.pushes()).toBe(pushes);
    expect(line.dispatches()).toHaveLength(dispatched);
    await expectNotMerged(line, on);
  });

  it('parks at the judgment, reviewing nothing again, when they dismissed the approval while the merge brought the branch up to date', async () => {
    const line = await startLineForge();
    await protectMain(
      line,
      { strict: true, contexts: ['factory/ci'] },
      { required_approving_review_count: 1, dismiss_stale_reviews: true },
    );
    const on = await atMerge(line, 'mid-rebase');
    await onMain(line, { 'docs/newer.md': 'x\n' });
    // The person acts after the merge's first read, before its push would dismiss the approval.
    let dismissed = false;
    const github: GitHubPort = {
      ...line.github,
      readPullRequest: async (number) => {
        if (!dismissed) await dismissLineApproval(line, on, 'Not yet.');
        dismissed = true;
        return line.github.readPullRequest(number);
      },
    };
    const candidate = candidateOf(await prepare(line, on, { github, workbench: line.workbench }));
    expect(candidate.updatedFrom).toEqual({ sha: on.headSha, patchUnchanged: true });
    const dispatched = line.dispatches().length;

    const outcome = await finish(line, candidate, 'success');

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain('“Not yet.”');
    expect(line.dispatches()).toHaveLength(dispatched);
    await expectNotMerged(line, on);
  });

  it('parks not-approved naming them when they dismissed the approval the merge’s rebase carried over, while CI ran', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'carried');
    await onMain(line, { 'docs/newer.md': 'x\n' });
    const candidate = candidateOf(await prepare(line, on));
    expect(candidate.updatedFrom).toEqual({ sha: on.headSha, patchUnchanged: true });
    await dismissLineApproval(line, on, 'Wrong approach.');

    const outcome = await finish(line, candidate, 'success');

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain(
      "writer dismissed the line's approval",
    );
    await expectNotMerged(line, on);
  });

  it('R-19: parks not-approved, merging nothing, when they dismiss the approval while the merge judges the PR', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'judged');
    const candidate = candidateOf(await prepare(line, on));
    const github: GitHubPort = {
      ...line.github,
      readMergeReadiness: async (...args) => {
        const readiness = await line.github.readMergeReadiness(...args);
        await dismissLineApproval(line, on, 'Not now.');
        return readiness;
      },
    };
    const outcome = await finishMerge({ github, config: line.config }, { candidate });

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain('“Not now.”');
    await expectNotMerged(line, on);
  });

  it('holds the PR even when CI failed, so the implementer is not sent to work on it', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'red');
    const candidate = candidateOf(await prepare(line, on));
    await dismissLineApproval(line, on, 'Stop.');

    const outcome = await finish(line, candidate, 'failure');

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'not-approved' });
    await expectNotMerged(line, on);
  });

  it('R-12: is not lifted by a label from someone without write permission', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'triaged');
    await dismissLineApproval(line, on, 'Hold it.');
    await asPerson(line, 'octo-owner').rest.issues.setLabels({
      ...line.repo,
      issue_number: on.pr,
      labels: ['state:code-review'],
    });
    // The line approves again, so only the hold keeps the PR from merging.
    await line.greenAndApproved(on.pr, on.headSha);
    await line.github.setState(on.pr, ['state:code-review'], 'merge');
    // As if the person who set the label could only triage: labels, but no push.
    const github: GitHubPort = {
      ...line.github,
      permissionOf: (login) =>
        login === 'octo-owner' ? Promise.resolve('triage') : line.github.permissionOf(login),
    };

    const outcome = await prepare(line, on, { github, workbench: line.workbench });

    expect(outcome).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', reason: 'not-approved' },
    });
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain('“Hold it.”');
    await expectNotMerged(line, on);
  });

  it('lets go once a person sets a state label after dismissing: approved again, the PR merges', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'released');
    await dismissLineApproval(line, on, 'Wait for the release.');
    expect(await prepare(line, on)).toMatchObject({ kind: 'settled', outcome: { kind: 'parked' } });

    // The person resumes at code review; the line approves the head again and moves it on.
    await asPerson(line, 'writer').rest.issues.setLabels({
      ...line.repo,
      issue_number: on.pr,
      labels: ['state:code-review'],
    });
    await line.greenAndApproved(on.pr, on.headSha);
    await line.github.setState(on.pr, await line.labelsOf(on.pr), 'merge');

    expect(await finish(line, candidateOf(await prepare(line, on)))).toEqual({
      kind: 'moved',
      pr: on.pr,
      to: 'merged',
    });
  });
});

describe('merging under a rule against force pushes', { timeout: 60_000 }, () => {
  it('merges main in instead when a ruleset forbids the force push of a rebase, and the approval carries over', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'unforced');
    await line.addPushRule(on.headRef, 'non_fast_forward');
    const mainSha = (await onMain(line, { 'docs/newer.md': 'x\n' })).sha;

    const candidate = candidateOf(await prepare(line, on));

    expect(candidate.updatedFrom).toEqual({ sha: on.headSha, patchUnchanged: true });
    const { data: head } = await line.bot.rest.repos.getCommit({
      ...line.repo,
      ref: candidate.headSha,
    });
    expect(head.parents.map((parent) => parent.sha)).toEqual([on.headSha, mainSha]);
    await expectMergedAfterGreenCi(line, on, candidate);
  });

  it('R-18: hands back the conflict when the rebase went through and the merge of main does not', async () => {
    const line = await startLineForge();
    // The branch makes main's own change to w1, then changes w1 again: a rebase drops the first
    // as already on main and replays the second; a merge sees two edits of one line.
    const on = await atMerge(line, 'both-ways', {
      'src/words.ts': wordsWith(1, 'export const w1 = 11;'),
    });
    const { sha } = await line.forge.commit('writer', {
      branch: on.headRef,
      files: { 'src/words.ts': wordsWith(1, 'export const w1 = 12;') },
    });
    await line.greenAndApproved(on.pr, sha);
    await line.addPushRule(on.headRef, 'non_fast_forward');
    await onMain(line, { 'src/words.ts': wordsWith(1, 'export const w1 = 11;') });

    const outcome = await prepare(line, { ...on, headSha: sha });

    expect(outcome).toEqual({
      kind: 'settled',
      outcome: { kind: 'moved', pr: on.pr, to: 'implementation' },
    });
    const marked = (await line.github.readPullRequest(on.pr))?.headSha ?? '';
    const text = (await line.github.readFile('src/words.ts', marked))?.text ?? '';
    expect(text).toContain('<<<<<<< HEAD\nexport const w1 = 12;\n=======\nexport const w1 = 11;');
  });
});

describe('a PR retargeted at another branch', { timeout: 60_000 }, () => {
  /** A `develop` branch ahead of main, and the PR's base changed to it by a writer. */
  async function retarget(line: LineForge, on: OnLine) {
    await line.forge.commit('octo-owner', {
      branch: 'develop',
      from: 'main',
      files: { 'docs/develop.md': 'only on develop\n' },
    });
    await asPerson(line, 'writer').rest.pulls.update({
      ...line.repo,
      pull_number: on.pr,
      base: 'develop',
    });
    return line.branchSha('develop');
  }

  it('R-06: parks wrong-base before it touches the branch, merging nothing into either, though CI and the review passed', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'retargeted');
    const develop = await retarget(line, on);
    await onMain(line, { 'docs/newer.md': 'x\n' });
    const pushes = line.pushes();

    const outcome = await prepare(line, on);

    expect(outcome).toMatchObject({
      kind: 'settled',
      outcome: { kind: 'parked', reason: 'wrong-base' },
    });
    expect((await line.ledgerOf(on.pr)).park?.detail).toBe('The PR merges into develop, not main.');
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.branchSha('develop')).toBe(develop);
    await expectNotMerged(line, on);
  });

  it('R-06: merges nothing when the PR is retargeted while the merge judges it', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'retargeted-late');
    const candidate = candidateOf(await prepare(line, on));
    let develop: string | undefined;
    const github: GitHubPort = {
      ...line.github,
      readMergeReadiness: async (...args) => {
        develop ??= await retarget(line, on);
        return line.github.readMergeReadiness(...args);
      },
    };

    const outcome = await finishMerge({ github, config: line.config }, { candidate });

    expect(outcome).toMatchObject({ kind: 'stood-down', pr: on.pr });
    expect(await line.branchSha('develop')).toBe(develop);
    await expectNotMerged(line, on);
  });
});

describe('who queued the PR, at the merge', { timeout: 60_000 }, () => {
  it('R-12: merges when someone without write permission labelled it queued mid-line, a label the line turned away', async () => {
    const line = await startLineForge();
    const on = await atMerge(line, 'turned-away');
    // A writer queued it; later a reader set `state:queued`, which the route job removed at once.
    const github: GitHubPort = {
      ...line.github,
      readConversation: async (number) => {
        const conversation = await line.github.readConversation(number);
        const at = new Date().toISOString();
        const queued = { kind: 'labeled', label: 'state:queued', actor: 'writer', at: '' } as const;
        const turnedAway = [
          { kind: 'labeled', label: 'state:queued', actor: 'reader', at },
          { kind: 'unlabeled', label: 'state:queued', actor: FACTORY_LOGIN, at },
        ] as const;
        const timeline = [queued, ...conversation.timeline, ...turnedAway];
        return { ...conversation, timeline };
      },
    };
    const candidate = candidateOf(await prepare(line, on));

    const outcome = await finishMerge({ github, config: line.config }, { candidate });

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'merged' });
  });
});

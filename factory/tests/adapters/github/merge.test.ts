import { describe, expect, it } from 'vitest';
import { GitHubError } from '../../../src/adapters/github/index.ts';
import type { Forge } from '../../../src/twin/forge/index.ts';
import { FACTORY_LOGIN, openPull, startAdapterForge, type AdapterFixture } from './fixture.ts';

const MERGE = 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge';
const DISPATCH = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
const LIST_RUNS = 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs';

/**
 * Files a run for each dispatch, as GitHub does, titled as the stage workflows' `run-name` titles
 * it (tests/twin/runner/run-name.test.ts evaluates the real ones).
 */
function filingRuns(forge: Forge): void {
  forge.onEvent((event) => {
    if (event.name !== 'workflow_dispatch') return;
    const { workflow, inputs = {} } = event.payload as {
      workflow: string;
      inputs?: Record<string, string>;
    };
    const stage = workflow.replace(/^\.github\/workflows\/|\.yml$/g, '');
    forge.createRun({
      name: stage,
      displayTitle: `${stage} #${inputs.pr ?? ''} · ${inputs.dispatch_id ?? ''}`,
      path: workflow,
      event: 'workflow_dispatch',
      headBranch: 'main',
      headSha: event.sha,
      actor: { login: FACTORY_LOGIN, type: 'Bot' },
      status: 'queued',
      conclusion: null,
    });
  });
}

const dispatchesIn = (forge: Forge) =>
  forge.events.filter((event) => event.name === 'workflow_dispatch');

async function mainTip({ client, repo }: AdapterFixture): Promise<string> {
  const { data } = await client('writer').rest.git.getRef({ ...repo, ref: 'heads/main' });
  return data.object.sha;
}

describe('GitHub adapter: merging exactly the tested head (R-06)', { timeout: 60_000 }, () => {
  it('refuses a stale SHA as head-moved, then merges the right one and main advances', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await openPull(forge, 'feature');
    const tested = (await github.readPullRequest(pr))?.headSha ?? '';
    const moved = await forge.commit('writer', { branch: 'feature', files: { 'late.txt': 'x\n' } });
    const before = await mainTip(fixture);

    expect(await github.mergeExactly(pr, tested, 'Add feature (#1)')).toEqual({
      merged: false,
      reason: 'head-moved',
      message: 'Head branch was modified. Review and try the merge again.',
    });
    expect(await mainTip(fixture)).toBe(before);
    expect(
      forge.requestLog.countsByRoute()['PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge'],
    ).toBe(1);

    const result = await github.mergeExactly(pr, moved.sha, 'Add feature (#1)');
    expect(result).toEqual({ merged: true, sha: await mainTip(fixture) });
    expect(await github.readPullRequest(pr)).toMatchObject({ open: false, merged: true });
    const { data: commit } = await fixture
      .client('writer')
      .rest.repos.getCommit({ ...fixture.repo, ref: await mainTip(fixture) });
    expect(commit.commit.message).toMatch(/^Add feature \(#1\)/);
    expect(commit.parents.map((parent) => parent.sha)).toEqual([before]);
  });

  it('answers not-mergeable with GitHub’s message when the branch conflicts', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', [], { 'README.md': 'mine\n' });
    await forge.commit('octo-owner', { branch: 'main', files: { 'README.md': 'theirs\n' } });
    const head = (await github.readPullRequest(pr))?.headSha ?? '';

    expect(await github.mergeExactly(pr, head, 'Mine')).toEqual({
      merged: false,
      reason: 'not-mergeable',
      message: 'Pull Request is not mergeable',
    });
  });
});

describe('GitHub adapter: a merge whose answer was lost (R-14)', { timeout: 60_000 }, () => {
  it('reads as merged when GitHub merged exactly that head before the answer was lost', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    forge.faults.inject({ route: MERGE, times: 1, kind: 'answer-lost' });

    const result = await github.mergeExactly(pr, head, 'Add feature (#1)');

    // The client tried again and GitHub said 405, as for any merged PR; the read-back tells.
    expect(forge.requestLog.entries().filter((entry) => entry.route === MERGE)).toMatchObject([
      { status: 502 },
      { status: 405 },
    ]);
    expect(result).toEqual({ merged: true, sha: await mainTip(fixture) });
  });

  it('reads as merged when every retry failed after GitHub merged it', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    forge.faults.inject({ route: MERGE, times: 1, kind: 'answer-lost' });
    forge.faults.inject({ route: MERGE, times: 100, kind: 'server-error' });

    const result = await github.mergeExactly(pr, head, 'Add feature (#1)');
    forge.faults.clear();

    expect(result).toEqual({ merged: true, sha: await mainTip(fixture) });
  });

  it('still fails, naming the verb, when every try failed and nothing was merged', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    const before = await mainTip(fixture);
    forge.faults.inject({ route: MERGE, times: 100, kind: 'server-error' });

    const failed = await github
      .mergeExactly(pr, head, 'Add feature (#1)')
      .catch((error: unknown) => error);
    forge.faults.clear();

    expect(failed).toBeInstanceOf(GitHubError);
    expect(String(failed)).toMatch(/GitHub mergeExactly failed \(500\)/);
    expect(await mainTip(fixture)).toBe(before);
  });

  it('stays not-mergeable when the PR was merged at another head', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await openPull(forge, 'feature');
    const first = (await github.readPullRequest(pr))?.headSha ?? '';
    const moved = await forge.commit('writer', { branch: 'feature', files: { 'late.txt': 'x\n' } });
    expect(await github.mergeExactly(pr, moved.sha, 'Add feature (#1)')).toMatchObject({
      merged: true,
    });

    expect(await github.mergeExactly(pr, first, 'Add feature (#1)')).toMatchObject({
      merged: false,
      reason: 'not-mergeable',
    });
  });
});

describe('GitHub adapter: server-side branch update', { timeout: 60_000 }, () => {
  it.each([
    ['rebase', 'replays the branch onto the new main', (_head: string, base: string) => [base]],
    [
      'merge',
      'merges the new main in, the old head first',
      (head: string, base: string) => [head, base],
    ],
  ] as const)('%s: %s and reports the new head', async (method, _, parentsOf) => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;
    const pr = await openPull(forge, 'feature');
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    await forge.commit('octo-owner', { branch: 'main', files: { 'other.txt': 'other\n' } });
    const base = await mainTip(fixture);

    const result = await github.updateOnServer(pr, head, method);

    expect(result).toMatchObject({ updated: true });
    const updated = result.updated ? result.headSha : '';
    expect(updated).not.toBe(head);
    expect((await github.readPullRequest(pr))?.headSha).toBe(updated);
    const { data: commit } = await fixture
      .client('writer')
      .rest.repos.getCommit({ ...fixture.repo, ref: updated });
    expect(commit.parents.map((parent) => parent.sha)).toEqual(parentsOf(head, base));
  });

  it('refuses when the head is not the one expected, and when the rebase conflicts', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', [], { 'README.md': 'mine\n' });
    const head = (await github.readPullRequest(pr))?.headSha ?? '';
    await forge.commit('octo-owner', { branch: 'main', files: { 'README.md': 'theirs\n' } });

    expect(await github.updateOnServer(pr, 'f'.repeat(40), 'rebase')).toMatchObject({
      updated: false,
      reason: 'head-moved',
    });
    const conflict = await github.updateOnServer(pr, head, 'rebase');
    expect(conflict).toMatchObject({ updated: false, reason: 'conflict' });
    expect((await github.readPullRequest(pr))?.headSha).toBe(head);
  });
});

describe('GitHub adapter: dispatch (R-01)', { timeout: 60_000 }, () => {
  it('dispatches the stage’s workflow on main with the PR and the expected head as strings', async () => {
    const fixture = await startAdapterForge();
    const { forge, github } = fixture;

    await github.dispatch('plan', { pr: 7, expectedHeadSha: 'a'.repeat(40) });

    const dispatched = forge.events.filter((event) => event.name === 'workflow_dispatch');
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0]).toMatchObject({
      ref: 'refs/heads/main',
      sha: await mainTip(fixture),
      actor: { login: 'github-actions[bot]' },
      payload: {
        workflow: '.github/workflows/plan.yml',
        inputs: { pr: '7', expected_head_sha: 'a'.repeat(40) },
      },
    });
  });

  it('sends no input the caller left out, and names the workflow file through workflowFileOf', async () => {
    const { forge, github } = await startAdapterForge();

    await github.dispatch('scheduler', {});
    await github.dispatch('merge', { pr: 3 });

    const payloads = forge.events
      .filter((event) => event.name === 'workflow_dispatch')
      .map((event) => event.payload);
    expect(payloads).toMatchObject([
      { workflow: '.github/workflows/scheduler.yml', inputs: {} },
      { workflow: '.github/workflows/factory-merge.yml', inputs: { pr: '3' } },
    ]);
  });

  it('looks for a dispatch whose answer was lost, and finding its run, sends it no second time (ADR 0008)', async () => {
    const { forge, github } = await startAdapterForge();
    filingRuns(forge);
    forge.faults.inject({ route: DISPATCH, times: 1, kind: 'answer-lost' });

    await github.dispatch('plan', { pr: 7, expectedHeadSha: 'a'.repeat(40) });

    expect(dispatchesIn(forge)).toHaveLength(1);
    expect(forge.requestLog.countsByRoute()[LIST_RUNS]).toBe(1);
  });

  it('sends a dispatch again when no run carries its id: GitHub refused it before it ran', async () => {
    const { forge, github } = await startAdapterForge();
    filingRuns(forge);
    forge.faults.inject({ route: DISPATCH, times: 1, kind: 'bad-gateway' });

    await github.dispatch('plan', { pr: 7, expectedHeadSha: 'a'.repeat(40) });

    expect(dispatchesIn(forge)).toHaveLength(1);
    expect(forge.requestLog.countsByRoute()[DISPATCH]).toBe(2);
  });

  it('fails naming the verb when GitHub keeps failing, having looked for the run between tries', async () => {
    const { forge, github } = await startAdapterForge();
    forge.faults.inject({ route: DISPATCH, kind: 'server-error' });

    const error = await github.dispatch('plan', { pr: 7 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'GitHubError', verb: 'dispatch', status: 500 });
    // As many tries as the client's retry gives any request (FAST_RETRY: 1 + 4).
    expect(forge.requestLog.countsByRoute()).toMatchObject({ [DISPATCH]: 5, [LIST_RUNS]: 4 });
    expect(dispatchesIn(forge)).toEqual([]);
  });

  it('fails with a GitHubError naming the verb when the workflow does not exist', async () => {
    const { forge, github, token } = await startAdapterForge();

    const error = await github.dispatch('watchdog', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ name: 'GitHubError', verb: 'dispatch', status: 404 });
    expect((error as Error).message).toBe('GitHub dispatch failed (404): Not Found');
    expect(JSON.stringify(error)).not.toContain(token);
    expect(forge.events.filter((event) => event.name === 'workflow_dispatch')).toEqual([]);
  });
});

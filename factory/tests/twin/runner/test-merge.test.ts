/**
 * GitHub runs `pull_request` workflows on its test merge, `refs/pull/N/merge`: the PR's head merged
 * into its base's tip, workflow files included. A PR that conflicts with its base has no test
 * merge and starts no `pull_request` run; `pull_request_target` runs from the base regardless
 * (github-mechanics.md, "Extras"). The twin does the same, so a spec lint sees what main gained
 * since the branch was cut.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createForge, type Forge } from '../../../src/twin/forge/index.ts';
import { openRepository } from '../../../src/twin/forge/repository.ts';
import { createRunner, type Runner } from '../../../src/twin/runner/index.ts';
import { INTEGRATION_TIMEOUT, jobLog } from './harness.ts';

/** Prints where the run checked out and what it sees there. */
const ON_PULL_REQUEST = `name: on pull request
on:
  pull_request:
    types: [opened, synchronize, labeled]
permissions: {}
jobs:
  look:
    runs-on: ubuntu-latest
    timeout-minutes: 2
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - run: |
          echo "ref=$GITHUB_REF name=$GITHUB_REF_NAME sha=$GITHUB_SHA"
          echo "head=$(git rev-parse HEAD)"
          cat *.txt
`;

const ON_PULL_REQUEST_TARGET = `name: on pull request target
on:
  pull_request_target:
    types: [labeled]
permissions: {}
jobs:
  note:
    runs-on: ubuntu-latest
    timeout-minutes: 2
    steps:
      - run: echo "ref=$GITHUB_REF"
`;

let forge: Forge | undefined;
let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  await forge?.close();
});

async function startTwin(): Promise<{ forge: Forge; runner: Runner }> {
  forge = await createForge({
    seed: {
      files: {
        'main.txt': 'main at the start\n',
        '.github/workflows/pr.yml': ON_PULL_REQUEST,
        '.github/workflows/target.yml': ON_PULL_REQUEST_TARGET,
      },
    },
  });
  runner = createRunner(forge, { maxParallelJobs: 1 });
  return { forge, runner };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error('timed out waiting for the forge');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function label(twin: Forge, number: number, name: string): Promise<void> {
  const { owner, name: repo } = twin.repository;
  const response = await fetch(
    `${twin.apiUrl}/repos/${owner}/${repo}/issues/${String(number)}/labels`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${twin.as('writer')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ labels: [name] }),
    },
  );
  expect(response.status).toBe(200);
}

describe('pull_request runs on the test merge', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('checks out the head merged into main as main is now, named refs/pull/N/merge', async () => {
    const twin = await startTwin();
    const number = await twin.forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'pr.txt': 'the pull request\n' },
      title: 'A change',
    });
    await twin.runner.idle();
    const main = await twin.forge.commit('writer', {
      branch: 'main',
      files: { 'later.txt': 'main after the branch was cut\n' },
    });
    const head = await twin.forge.push('writer', {
      branch: 'feature',
      files: { 'pr.txt': 'the pull request, again\n' },
    });
    // The forge answers the push first and emits `synchronize` after: wait for it, then the run.
    await until(() => twin.forge.events.some((event) => event.action === 'synchronize'));
    await twin.runner.idle();

    const refs = await twin.forge.readRefs();
    const merge = refs.get(`refs/pull/${String(number)}/merge`);
    const synchronized = twin.runner
      .runs()
      .find((run) => run.name === 'on pull request' && run.action === 'synchronize');
    const log = jobLog(synchronized, 'look');
    expect(log).toContain(`ref=refs/pull/${String(number)}/merge name=${String(number)}/merge`);
    expect(log).toContain(`sha=${String(merge)}`);
    expect(log).toContain(`head=${String(merge)}`);
    // Both sides: main's newer file and the PR's latest commit.
    expect(log).toContain('main after the branch was cut');
    expect(log).toContain('the pull request, again');
    const commit = await openRepository(twin.forge.gitDir).readCommit(String(merge));
    expect(commit?.parents).toEqual([main.sha, head.sha]);
    // GitHub files the run, and its checks, under the PR's head commit.
    expect(synchronized?.headSha).toBe(head.sha);
    expect(twin.forge.internalErrors).toEqual([]);
  });

  it('starts no pull_request run for a PR that conflicts with main, keeps no test merge, and still runs pull_request_target', async () => {
    const twin = await startTwin();
    const number = await twin.forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'main.txt': 'the pull request’s version\n' },
      title: 'A conflicting change',
    });
    await twin.runner.idle();
    expect((await twin.forge.readRefs()).has(`refs/pull/${String(number)}/merge`)).toBe(true);
    await twin.forge.commit('writer', {
      branch: 'main',
      files: { 'main.txt': 'main’s own version\n' },
    });

    await label(twin.forge, number, 'state:queued');
    await twin.runner.idle();

    const labeled = twin.runner.runs().filter((run) => run.action === 'labeled');
    expect(labeled.map((run) => [run.name, run.event])).toEqual([
      ['on pull request target', 'pull_request_target'],
    ]);
    expect(jobLog(labeled[0], 'note')).toContain('ref=refs/heads/main');
    expect((await twin.forge.readRefs()).has(`refs/pull/${String(number)}/merge`)).toBe(false);
    const event = twin.forge.events.find((candidate) => candidate.action === 'labeled');
    expect(event).toMatchObject({ ref: 'refs/heads/feature', mergeConflict: true });
  });
});

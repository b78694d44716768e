/**
 * A spec from a stranger's fork, on the line at rest, through the real workflows. The line's
 * label triggers are `pull_request_target`, which GitHub runs with the secrets and a write token
 * even for a fork: the line itself must turn the PR away before any agent job gets the model key.
 */
import { describe, expect, it } from 'vitest';
import type { Twin } from '../../src/twin/index.ts';
import type { RunRecord } from '../../src/twin/runner/index.ts';
import { watchFromNow, writerLabels } from './watch.ts';

const FORK_SPEC = `# Run my code

## Goal

Whatever the line does with this, it must not run it.

## Acceptance criteria

- [ ] The planner reads this.
`;

export interface ForkPr {
  readonly pr: number;
  readonly labels: readonly string[];
  readonly comments: readonly { readonly login: string; readonly body: string }[];
  /** The runs the fork PR started, oldest first. */
  readonly runs: readonly RunRecord[];
  readonly modelRequests: number;
  readonly dispatchesForIt: number;
}

/**
 * `mallory` opens a spec PR from a fork; a writer labels it `state:queued`, then `state:plan`; then
 * `mallory` pushes to it.
 */
export async function sendForkPr(twin: Twin): Promise<ForkPr> {
  const watch = watchFromNow(twin);
  const pr = await twin.forge.openForkPullRequest('mallory', {
    branch: 'word-count-faster',
    files: { 'specs/0003-from-a-fork.md': FORK_SPEC },
    title: 'A spec from a fork',
  });
  const api = `${twin.forge.apiUrl}/repos/${twin.info.repo}/issues/${String(pr)}`;
  const asWriter = { authorization: `token ${twin.forge.as('writer')}` };
  for (const label of ['state:queued', 'state:plan']) {
    await writerLabels(twin, pr, label);
    await twin.settle();
  }
  // The stranger pushes once more after the maintainer's labels: nothing may wake up for it.
  await twin.forge.pushToForkPullRequest(pr, {
    'specs/0003-from-a-fork.md': `${FORK_SPEC}\nMore.\n`,
  });
  await twin.settle();
  const comments = (await (await fetch(`${api}/comments`, { headers: asWriter })).json()) as {
    user: { login: string };
    body: string;
  }[];
  return {
    pr,
    labels: await watch.labelsOf(pr),
    comments: comments.map((comment) => ({ login: comment.user.login, body: comment.body })),
    runs: watch.runs(),
    modelRequests: watch.modelRequests(),
    dispatchesForIt: watch.dispatchesFor(pr),
  };
}

const ranJobs = (run: RunRecord) =>
  run.jobs.filter((job) => job.conclusion !== 'skipped').map((job) => job.key);

export function describeForkPr(forkPr: () => ForkPr): void {
  describe('a spec PR from a fork (R-12)', () => {
    it('is turned away at each state label a maintainer sets: the label removed, the reason explained', () => {
      expect(forkPr().labels.filter((label) => label.startsWith('state:'))).toEqual([]);
      expect(forkPr().comments).toHaveLength(2);
      for (const comment of forkPr().comments) {
        expect(comment.login).toBe('github-actions[bot]');
        expect(comment.body).toContain('(`fork-pr`)');
      }
    });

    it('starts no agent, even after the fork pushes: no model request, no dispatch, each stage run stops at its route job', () => {
      expect(forkPr().modelRequests).toBe(0);
      expect(forkPr().dispatchesForIt).toBe(0);
      const stages = forkPr().runs.filter((run) => run.event === 'pull_request_target');
      expect(stages.map((run) => [run.name, ranJobs(run)])).toEqual(
        expect.arrayContaining([
          ['scheduler', ['schedule']],
          ['plan', ['plan', 'plan/route']],
        ]),
      );
      for (const run of stages)
        expect(ranJobs(run).every((key) => !key.endsWith('/agent'))).toBe(true);
    });

    it('holds the fork’s own pull_request runs (the spec lint) for a maintainer’s approval', () => {
      const lint = forkPr().runs.filter((run) => run.name === 'spec lint');
      expect(lint.map((run) => [run.event, run.action, run.actor.login, run.status])).toEqual([
        ['pull_request', 'opened', 'mallory', 'action_required'],
        ['pull_request', 'synchronize', 'mallory', 'action_required'],
      ]);
    });
  });
}

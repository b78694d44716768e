import { describe, expect, it } from 'vitest';
import { prOfRunTitle } from '../../../src/adapters/github/runs.ts';
import type { RunStatus } from '../../../src/twin/contract.ts';
import type { Forge } from '../../../src/twin/forge/index.ts';
import { FACTORY_LOGIN, startAdapterForge } from './fixture.ts';

/** Files a run with the forge as the twin runner does, then moves it to `status`. */
async function fileRun(forge: Forge, file: string, title: string, status: RunStatus) {
  const sha = (await forge.readRefs()).get('refs/heads/main') ?? '';
  const run = forge.createRun({
    name: title.split(' ')[0] ?? title,
    displayTitle: title,
    path: `.github/workflows/${file}`,
    event: 'workflow_dispatch',
    headBranch: 'main',
    headSha: sha,
    actor: { login: FACTORY_LOGIN, type: 'Bot' },
    status: 'queued',
    conclusion: null,
  });
  if (status !== 'queued')
    forge.updateRun(run.id, {
      status,
      conclusion: status === 'completed' ? 'success' : null,
    });
  return run;
}

describe('GitHub adapter: active runs of a stage (R-03)', { timeout: 60_000 }, () => {
  it('lists the unfinished runs of the stage’s workflow with the PR their title names', async () => {
    const { forge, github } = await startAdapterForge();
    await fileRun(forge, 'plan.yml', 'plan #3', 'completed');
    await fileRun(forge, 'plan.yml', 'plan #4', 'queued');
    await fileRun(forge, 'plan.yml', 'plan #5', 'in_progress');
    await fileRun(forge, 'plan.yml', 'plan #6', 'waiting');
    await fileRun(forge, 'plan.yml', 'Plan', 'in_progress');
    await fileRun(forge, 'scheduler.yml', 'scheduler #7', 'in_progress');
    await fileRun(forge, 'factory-merge.yml', 'merge #8', 'in_progress');

    const runs = await github.listActiveRuns('plan');

    expect(runs.map(({ pr, status }) => [pr, status])).toEqual([
      [undefined, 'in_progress'],
      [6, 'waiting'],
      [5, 'in_progress'],
      [4, 'queued'],
    ]);
    expect(runs.every(({ createdAt }) => !Number.isNaN(Date.parse(createdAt)))).toBe(true);
    expect((await github.listActiveRuns('merge')).map(({ pr }) => pr)).toEqual([8]);
  });

  it('R-03: finds a slow run behind more than a hundred newer finished ones, as label events start and skip', async () => {
    const { forge, github } = await startAdapterForge();
    await fileRun(forge, 'plan.yml', 'plan #9', 'in_progress');
    for (let n = 0; n < 120; n += 1) await fileRun(forge, 'plan.yml', 'Plan', 'completed');

    const runs = await github.listActiveRuns('plan');

    expect(runs.map(({ pr, status }) => [pr, status])).toEqual([[9, 'in_progress']]);
  });

  it('lists nothing for a stage with no unfinished run', async () => {
    const { forge, github } = await startAdapterForge();
    await fileRun(forge, 'plan.yml', 'plan #3', 'completed');

    expect(await github.listActiveRuns('plan')).toEqual([]);
  });
});

describe('prOfRunTitle()', () => {
  it('reads the PR number a stage run’s title names, and nothing from other titles', () => {
    expect(prOfRunTitle('plan #12')).toBe(12);
    expect(prOfRunTitle('implementation-ci #7')).toBe(7);
    expect(prOfRunTitle('plan #')).toBeUndefined();
    expect(prOfRunTitle('Plan')).toBeUndefined();
    expect(prOfRunTitle(undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { startForge } from './support/fixture.ts';

describe('forge workflow dispatch and workflow runs', { timeout: 30_000 }, () => {
  it('dispatches with 204 and emits workflow_dispatch with the inputs and their defaults', async () => {
    const { forge, client, owner, repo } = await startForge();
    const bot = client(forge.issueJobToken({ actions: 'write' }).token);
    const response = await bot.rest.actions.createWorkflowDispatch({
      owner,
      repo,
      workflow_id: 'stage.yml',
      ref: 'main',
      inputs: { pr_number: '7' },
    });
    expect(response.status).toBe(204);
    const main = (await forge.readRefs()).get('refs/heads/main');
    expect(forge.events).toEqual([
      expect.objectContaining({
        name: 'workflow_dispatch',
        ref: 'refs/heads/main',
        sha: main,
        tokenKind: 'default-token',
        payload: expect.objectContaining({
          inputs: { pr_number: '7', head_sha: 'none' },
          workflow: '.github/workflows/stage.yml',
        }) as unknown,
      }),
    ]);
  });

  interface DispatchCase {
    readonly ref: string;
    readonly workflow?: string;
    readonly inputs?: Record<string, string>;
  }

  it.each<[string, DispatchCase, number]>([
    ['a commit SHA as ref', { ref: 'SHA' }, 422],
    ['an undeclared input', { ref: 'main', inputs: { pr_number: '1', extra: 'x' } }, 422],
    ['a missing required input', { ref: 'main', inputs: {} }, 422],
    ['a workflow that is only on another branch', { ref: 'side', workflow: 'side.yml' }, 404],
  ])('refuses %s and emits nothing', async (_case, input, status) => {
    const { forge, client, owner, repo } = await startForge();
    const sha = (await forge.readRefs()).get('refs/heads/main') ?? '';
    if (input.ref === 'side') {
      const workflow = 'on:\n  workflow_dispatch:\njobs: {}\n';
      expect(
        (
          await forge.commit('writer', {
            branch: 'side',
            files: { '.github/workflows/side.yml': workflow },
          })
        ).ok,
      ).toBe(true);
    }
    const before = forge.events.length;
    const error = await client('writer')
      .rest.actions.createWorkflowDispatch({
        owner,
        repo,
        workflow_id: input.workflow ?? 'stage.yml',
        ref: input.ref === 'SHA' ? sha : input.ref,
        inputs: input.inputs ?? { pr_number: '1' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status });
    expect(forge.events).toHaveLength(before);
  });

  it('refuses a job token without actions: write', async () => {
    const { forge, client, owner, repo } = await startForge();
    const bot = client(forge.issueJobToken({ contents: 'write' }).token);
    const error = await bot.rest.actions
      .createWorkflowDispatch({
        owner,
        repo,
        workflow_id: 'stage.yml',
        ref: 'main',
        inputs: { pr_number: '1' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403 });
    expect(forge.events).toEqual([]);
  });

  it('lists and gets the runs the runner files, with their latest status', async () => {
    const { forge, client, owner, repo } = await startForge();
    const sha = (await forge.readRefs()).get('refs/heads/main') ?? '';
    const run = forge.createRun({
      name: 'stage',
      path: '.github/workflows/stage.yml',
      event: 'workflow_dispatch',
      headBranch: 'main',
      headSha: sha,
      actor: { login: 'github-actions[bot]', type: 'Bot' },
      status: 'queued',
      conclusion: null,
    });
    forge.updateRun(run.id, { status: 'completed', conclusion: 'success' });
    const reader = client('reader');
    const { data: list } = await reader.rest.actions.listWorkflowRunsForRepo({
      owner,
      repo,
      event: 'workflow_dispatch',
    });
    expect(list.total_count).toBe(1);
    expect(list.workflow_runs[0]).toMatchObject({
      id: run.id,
      status: 'completed',
      conclusion: 'success',
      head_sha: sha,
    });
    const { data: one } = await reader.rest.actions.getWorkflowRun({ owner, repo, run_id: run.id });
    expect(one.path).toBe('.github/workflows/stage.yml');
    const { data: byWorkflow } = await reader.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: 'stage.yml',
    });
    expect(byWorkflow.total_count).toBe(1);
    const missing = await reader.rest.actions
      .getWorkflowRun({ owner, repo, run_id: 1 })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('raises schedule events on the default branch', async () => {
    const { forge } = await startForge();
    await forge.emitSchedule('*/5 * * * *');
    expect(forge.events).toEqual([
      expect.objectContaining({
        name: 'schedule',
        ref: 'refs/heads/main',
        payload: expect.objectContaining({ schedule: '*/5 * * * *' }) as unknown,
      }),
    ]);
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import type { Conversation } from '../../src/core/ports.ts';
import { loadOnceTheReadIsOut } from '../../src/entrypoints/jobs/agent.ts';
import type { StageContext } from '../../src/entrypoints/wiring.ts';
import { actionsEnvironment } from './environment.ts';
import { createFakeGitHub } from '../fakes/fake-github.ts';

/** When the agent runtime (the model SDK above all) is first imported. */
const runtimeLoads = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/agent/index.ts', async (importOriginal) => {
  runtimeLoads.count += 1;
  return importOriginal();
});

const HEAD = 'a'.repeat(40);

/** The agent job of the plan stage, whose R-02 read is handed to fetch when `sent` settles and answered when `answer` does. */
async function agentJob(sent: Promise<void>, answer: Promise<void>) {
  const { run } = await import('../../src/entrypoints/jobs/agent.ts');
  const github = createFakeGitHub();
  github.openPullRequest(7, { headSha: HEAD });
  // Not in the plan stage: once answered, the job stands down without a session.
  github.factorySets(7, 'needs-attention');
  const workspace = await mkdtemp(join(tmpdir(), 'agent-entry-'));
  const context: StageContext = {
    env: actionsEnvironment(workspace),
    inputs: {
      stage: 'plan',
      job: 'agent',
      pr: 7,
      expectedHeadSha: HEAD,
      githubToken: 'ghs_job',
      workspace: 'work',
      outcome: 'outcome',
    },
    github: {
      ...github.port,
      readConversation: async (pr, options): Promise<Conversation> => {
        await answer;
        return github.port.readConversation(pr, options);
      },
    },
    config: defaultConfig(),
    workbench: { checkoutHead: () => Promise.reject(new Error('the agent job clones nothing')) },
    runUrl: 'https://github.com/octo-owner/line/actions/runs/1',
    inWorkspace: (relative) => join(workspace, relative),
    firstRequestSent: sent,
  };
  return run(context);
}

const turns = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the agent job’s start-up (ADR 0005)', () => {
  it('loads the agent runtime only once the PR’s read has been handed to fetch, and while it is answered', async () => {
    let markSent = (): void => undefined;
    let markAnswered = (): void => undefined;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    const answered = new Promise<void>((resolve) => (markAnswered = resolve));
    const loadsBefore = runtimeLoads.count;

    const job = agentJob(sent, answered);
    await turns(100);
    expect(runtimeLoads.count).toBe(loadsBefore);

    markSent();
    await vi.waitFor(() => {
      expect(runtimeLoads.count).toBe(loadsBefore + 1);
    });
    markAnswered();

    expect((await job).outputs).toEqual({ ran: 'false' });
  });
});

describe('loading the agent runtime once the R-02 read is out', () => {
  const settled = <T>(promise: Promise<T>) =>
    Promise.race([promise.then(() => true), turns(20).then(() => false)]);

  it('loads once the read is handed to fetch, not before', async () => {
    let markSent = (): void => undefined;
    const readSent = new Promise<void>((resolve) => (markSent = resolve));
    const load = vi.fn(() => Promise.resolve('runtime'));

    const runtime = loadOnceTheReadIsOut(
      { readSent, fallbackMs: 60_000 },
      new AbortController().signal,
      load,
    );
    await turns(50);
    expect(load).not.toHaveBeenCalled();
    markSent();

    expect(await runtime).toBe('runtime');
    expect(load).toHaveBeenCalledOnce();
  });

  it('loads all the same once the fallback passes with no request made', async () => {
    const load = vi.fn(() => Promise.resolve('runtime'));

    const runtime = loadOnceTheReadIsOut(
      { readSent: new Promise(() => undefined), fallbackMs: 100 },
      new AbortController().signal,
      load,
    );
    expect(await settled(runtime)).toBe(false);

    expect(await runtime).toBe('runtime');
    expect(load).toHaveBeenCalledOnce();
  });

  it('never loads once the job is done', async () => {
    const jobDone = new AbortController();
    const load = vi.fn(() => Promise.resolve('runtime'));

    const runtime = loadOnceTheReadIsOut(
      { readSent: new Promise(() => undefined), fallbackMs: 100 },
      jobDone.signal,
      load,
    );
    jobDone.abort();

    await expect(runtime).rejects.toThrow();
    await turns(150);
    expect(load).not.toHaveBeenCalled();
  });
});

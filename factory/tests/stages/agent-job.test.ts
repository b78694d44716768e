import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentOutcome, FloorContent, RunAgentOptions } from '../../src/agent/index.ts';
import { createContextLibrary } from '../../src/agent/context/index.ts';
import { FactoryConfigSchema } from '../../src/core/config.ts';
import { recordAttempt, renderStatus, type Feedback, type Ledger } from '../../src/core/status.ts';
import type { WorkingState } from '../../src/core/states.ts';
import { runAgentJob, type AgentStage } from '../../src/stages/agent-job.ts';
import { createFakeGitHub, type FakeGitHub } from '../fakes/fake-github.ts';

const HEAD = 'abc1234def5678';
const SPEC_PATH = 'specs/0007-word-count.md';
const config = FactoryConfigSchema.parse({ budgets: { perPrDollars: 10 } });

let github: FakeGitHub;
let workspace: string;
let calls: RunAgentOptions[];

const PLAN = {
  summary: 'Add count().',
  markdown: '# Plan\n\nAdd `count`.',
  files: ['src/count.ts'],
};

function outcomeOf(options: RunAgentOptions): AgentOutcome {
  return {
    role: options.role,
    stopReason: 'submitted',
    detail: 'submitted',
    submission: { kind: 'plan', plan: PLAN },
    model: 'claude-sonnet-4-6',
    usage: { input: 1200, output: 300, cacheRead: 4000, cacheWrite: 50 },
    dollars: 0.42,
    turns: 5,
    transientErrors: 0,
    wallMs: 1000,
    commands: [],
    rejectedSubmissions: [],
    sandboxProblem: undefined,
    transcriptPath: options.transcriptPath,
  };
}

const runAgent = (options: RunAgentOptions) => {
  calls.push(options);
  return Promise.resolve(outcomeOf(options));
};

beforeEach(async () => {
  github = createFakeGitHub();
  calls = [];
  workspace = await mkdtemp(join(tmpdir(), 'agent-job-'));
  await put(SPEC_PATH, '# Word count\n');
  await put('specs/0008-other.md', '# Another spec on the branch\n');
  await put('plans/0007-word-count.md', '# The plan\n');
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function put(path: string, text: string) {
  await mkdir(dirname(join(workspace, path)), { recursive: true });
  await writeFile(join(workspace, path), text);
}

/** A PR in `stage` whose status comment carries `ledger` (and the queued spec). */
async function at(stage: WorkingState, ledger: Partial<Ledger> = {}) {
  github.openPullRequest(7, {
    state: 'queued',
    headSha: HEAD,
    title: 'Word count',
    body: 'Counts.',
  });
  github.factorySets(7, stage);
  const full: Ledger = { stages: {}, spec: { path: SPEC_PATH, blobSha: 'blob-1' }, ...ledger };
  await github.port.writeStatusComment(7, renderStatus(stage, full), undefined);
  github.writes.length = 0;
}

const inputFor = (stage: AgentStage, expectedHeadSha = HEAD) => ({
  stage,
  pr: 7,
  expectedHeadSha,
  workspace,
  floor: '/floor',
  transcriptPath: '/out/transcript.jsonl',
  apiKey: 'sk-ant-test-key',
  diff: 'diff --git a/x b/x',
});

const run = (stage: AgentStage, expectedHeadSha = HEAD) =>
  runAgentJob({ github: github.port, config, runAgent }, inputFor(stage, expectedHeadSha));

const feedback = (kind: Feedback['kind'], from: Feedback['from']): Feedback => ({
  kind,
  from,
  text: `${kind} from ${from}`,
});

describe('the agent job', () => {
  it('R-19: stands down without calling the model when the PR moved to another stage', async () => {
    await at('plan');
    github.personSets(7, 'needs-attention');

    expect(await run('plan')).toEqual({
      kind: 'stood-down',
      reason: 'PR #7 is no longer in state:plan (now state:needs-attention)',
    });
    expect(calls).toEqual([]);
    expect(github.writes).toEqual([]);
  });

  it('R-02: stands down without calling the model when the head moved', async () => {
    await at('plan');
    github.pushTo(7, 'fff0000');

    expect(await run('plan')).toMatchObject({ kind: 'stood-down' });
    expect(calls).toEqual([]);
  });

  it('gives the planner the spec the ledger names, read from the PR head, and no plan', async () => {
    await at('plan');

    await run('plan');

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      role: 'planner',
      workspace,
      floor: '/floor',
      apiKey: 'sk-ant-test-key',
      transcriptPath: '/out/transcript.jsonl',
      task: {
        spec: { path: SPEC_PATH, text: '# Word count\n' },
        pullRequest: { title: 'Word count', body: 'Counts.' },
      },
    });
    expect(calls[0]?.task.plan).toBeUndefined();
    expect(calls[0]?.task.instruction).toMatch(/submit_plan/);
  });

  it('gives the later stages the plan from plans/ and the reviewer the diff', async () => {
    await at('code-review');

    await run('code-review');

    expect(calls[0]).toMatchObject({
      role: 'code-reviewer',
      task: { plan: '# The plan\n', diff: 'diff --git a/x b/x' },
    });
  });

  it.each([
    ['plan', feedback('review', 'plan-review'), { reviewObjections: 'review from plan-review' }],
    [
      'implementation',
      feedback('review', 'code-review'),
      { reviewObjections: 'review from code-review' },
    ],
    [
      'implementation',
      feedback('ci', 'implementation-ci'),
      { ciFailure: 'ci from implementation-ci' },
    ],
    ['implementation', feedback('ci', 'merge'), { ciFailure: 'ci from merge' }],
    ['implementation', feedback('conflict', 'merge'), { conflict: 'conflict from merge' }],
  ] as const)('passes the %s stage its feedback (%o)', async (stage, given, expected) => {
    await at(stage, { feedback: given });

    await run(stage);

    expect(calls[0]?.task).toMatchObject(expected);
  });

  it.each([
    ['plan-review', feedback('review', 'plan-review')],
    ['code-review', feedback('ci', 'implementation-ci')],
    ['implementation', feedback('review', 'plan-review')],
  ] as const)('gives the %s stage no feedback meant for another', async (stage, given) => {
    await at(stage, { feedback: given });

    await run(stage);

    const task = calls[0]?.task;
    expect(task?.reviewObjections).toBeUndefined();
    expect(task?.ciFailure).toBeUndefined();
    expect(task?.conflict).toBeUndefined();
  });

  it('R-16: leaves the session what the PR has left: perPrDollars minus what the ledger has spent', async () => {
    let ledger: Ledger = { stages: {} };
    ledger = recordAttempt(ledger, 'plan', {
      result: 'ok',
      tokens: 10,
      dollars: 2.5,
      day: '2026-11-27',
    });
    ledger = recordAttempt(ledger, 'plan-review', {
      result: 'ok',
      tokens: 10,
      dollars: 1.25,
      day: '2026-11-27',
    });
    await at('implementation', ledger);

    await run('implementation');

    expect(calls[0]?.shared).toEqual({ dollarsLeftForPr: 6.25 });
  });

  it('R-16: leaves nothing, never a negative amount, once the PR has spent its dollars', async () => {
    await at('implementation', {
      stages: { plan: { attempts: 3, result: 'ok', tokens: 10, dollars: 12 } },
    });

    await run('implementation');

    expect(calls[0]?.shared).toEqual({ dollarsLeftForPr: 0 });
  });

  it('returns an artifact with the head it worked on, the usage and the submission, and writes nothing', async () => {
    await at('plan');

    const result = await run('plan');

    expect(result).toMatchObject({
      kind: 'ran',
      artifact: {
        role: 'planner',
        stopReason: 'submitted',
        headSha: HEAD,
        submission: PLAN,
        model: 'claude-sonnet-4-6',
        usage: { input: 1200, output: 300, cacheRead: 4000, cacheWrite: 50 },
        dollars: 0.42,
        turns: 5,
      },
    });
    expect(github.writes).toEqual([]);
  });

  it('refuses to run a PR whose status comment names no queued spec', async () => {
    github.openPullRequest(7, { state: 'queued', headSha: HEAD });
    github.factorySets(7, 'plan');

    await expect(run('plan')).rejects.toThrow(/no queued spec/);
    expect(calls).toEqual([]);
  });

  it('reads the floor while it reads the PR, and gives the session what it read', async () => {
    await at('plan');
    const floor = await floorOf('planner');
    // Each reading finishes only once the other has begun: one after the other never finishes.
    const floorBegun = signal();
    const prBegun = signal();
    const port = {
      ...github.port,
      readConversation: async (pr: number) => {
        prBegun.resolve();
        await floorBegun.promise;
        return github.port.readConversation(pr);
      },
    };
    const readFloor = async (at: string, role: string) => {
      floorBegun.resolve();
      await prBegun.promise;
      if (at !== '/floor' || role !== 'planner') throw new Error(`${at} ${role}`);
      return floor;
    };

    await runAgentJob({ github: port, config, runAgent, readFloor }, inputFor('plan'));

    expect(await calls[0]?.floorContent).toBe(floor);
  });

  it('asks for the PR before it reads the floor, so the floor loads while the PR is answered', async () => {
    await at('plan');
    const order: string[] = [];
    const port = {
      ...github.port,
      readConversation: (pr: number) => {
        order.push('pr');
        return github.port.readConversation(pr);
      },
    };
    const readFloor = (): Promise<FloorContent> => {
      order.push('floor');
      return floorOf('planner');
    };

    await runAgentJob({ github: port, config, runAgent, readFloor }, inputFor('plan'));

    expect(order).toEqual(['pr', 'floor']);
  });

  it('stands down quietly when the PR moved, even if the floor could not be read', async () => {
    await at('plan');
    github.personSets(7, 'needs-attention');
    const readFloor = () => Promise.reject(new Error('role file missing'));

    const result = await runAgentJob(
      { github: github.port, config, runAgent, readFloor },
      inputFor('plan'),
    );

    expect(result.kind).toBe('stood-down');
    expect(calls).toEqual([]);
  });
});

function floorOf(role: 'planner'): Promise<FloorContent> {
  return Promise.resolve({
    definition: {
      role,
      file: '.claude/agents/planner.md',
      description: 'Plans.',
      model: undefined,
      tools: ['read_file'],
      prompt: 'Plan.',
    },
    constitution: [],
    library: createContextLibrary([], []),
  });
}

/** A promise and the function that settles it. */
function signal(): { readonly promise: Promise<void>; readonly resolve: () => void } {
  let settle: (() => void) | undefined;
  const promise = new Promise<void>((resolve) => (settle = resolve));
  return { promise, resolve: () => settle?.() };
}

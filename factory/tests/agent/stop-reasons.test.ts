import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { costOf, fromApiUsage, totalTokens, type ApiUsage } from '../../src/agent/budget.ts';
import type { AgentOutcome } from '../../src/agent/index.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { call, createHarness, type Harness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

const PLAN = { summary: 's', markdown: '# Plan', files: ['src/a.ts'] };
const readForever = (count: number) => Array.from({ length: count }, () => call('list_files', {}));

describe('each stop reason', () => {
  it('submitted: the first valid submission ends the session without another model call', async () => {
    harness = await createHarness({ planner: [call('submit_plan', PLAN)] });
    const outcome = await harness.run('planner');
    expect(outcome).toMatchObject({
      stopReason: 'submitted',
      turns: 1,
      submission: { kind: 'plan', plan: PLAN },
    });
    expect(harness.server.requests).toHaveLength(1);
  });

  it('submitted: a write placed after the submission in the same reply does not run', async () => {
    const work = { summary: 'done', commands: [{ command: 'bash ok.sh', exitCode: 0 }] };
    harness = await createHarness(
      {
        implementer: [
          call('run', { command: 'bash ok.sh' }),
          {
            reply: {
              toolCalls: [
                { name: 'submit_work', input: work },
                { name: 'write_file', input: { path: 'src/late.ts', content: 'late' } },
              ],
            },
          },
        ],
      },
      { 'ok.sh': 'true\n' },
      { commands: { allowlist: ['bash ok.sh'] } },
    );
    const outcome = await harness.run('implementer');
    expect(outcome).toMatchObject({ stopReason: 'submitted', submission: { kind: 'work', work } });
    await expect(readFile(path.join(harness.workspace, 'src/late.ts'))).rejects.toThrow(/ENOENT/);
  });

  it('budget-spent (R-16): a model that never submits is cut at the turn limit', async () => {
    harness = await createHarness(
      { planner: readForever(10) },
      {},
      { budgets: { perRole: { planner: { maxTurns: 3 } } } },
    );
    const outcome = await harness.run('planner');
    expect(outcome).toMatchObject({ stopReason: 'budget-spent', turns: 3, submission: undefined });
    expect(outcome.detail).toMatch(/^turns: 3 of 3/);
    expect(harness.server.requests).toHaveLength(3);
  });

  it('budget-spent (R-16): a dollar ceiling below the first call stops before any request', async () => {
    harness = await createHarness(
      { planner: [call('submit_plan', PLAN)] },
      {},
      { budgets: { perSession: { maxDollars: 0.001 } } },
    );
    const outcome = await harness.run('planner');
    expect(outcome).toMatchObject({ stopReason: 'budget-spent', turns: 0, dollars: 0 });
    expect(outcome.detail).toMatch(/^dollars:/);
    expect(harness.server.requests).toHaveLength(0);
  });

  it('budget-spent (R-16): the PR ceiling the session shares is respected too', async () => {
    harness = await createHarness({ planner: [call('submit_plan', PLAN)] });
    const outcome = await harness.run('planner', { shared: { dollarsLeftForPr: 0.0001 } });
    expect(outcome.stopReason).toBe('budget-spent');
    expect(harness.server.requests).toHaveLength(0);
  });

  it('budget-spent (R-16): a token ceiling stops the session before the call that could pass it', async () => {
    harness = await createHarness(
      { planner: readForever(40) },
      {},
      { budgets: { perSession: { maxTotalTokens: 30_000, maxOutputTokensPerTurn: 1_000 } } },
    );
    const outcome = await harness.run('planner');
    expect(outcome.stopReason).toBe('budget-spent');
    expect(outcome.detail).toMatch(/^tokens:/);
    const used = totalTokens(outcome.usage);
    expect(used).toBeLessThanOrEqual(30_000);
    expect(outcome.turns).toBeGreaterThan(0);
  });

  it('budget-spent (R-16): counts the tool results a reply asked for, so one large read cannot carry the next call past the ceiling', async () => {
    harness = await createHarness(
      { planner: [call('read_file', { path: 'big.txt' }), call('submit_plan', PLAN)] },
      { 'big.txt': `${'word '.repeat(12_000)}\n` },
      { budgets: { perSession: { maxTotalTokens: 20_000, maxOutputTokensPerTurn: 1_000 } } },
    );
    const outcome = await harness.run('planner');
    expect(outcome).toMatchObject({ stopReason: 'budget-spent', turns: 1 });
    expect(outcome.detail).toMatch(/^tokens:/);
    expect(harness.server.requests).toHaveLength(1);
    const used = totalTokens(outcome.usage);
    expect(used).toBeLessThanOrEqual(20_000);
  });

  it('budget-spent (R-16): the wall clock cuts a session whose command outlives it', async () => {
    harness = await createHarness(
      {
        implementer: [
          call('run', { command: 'bash slow.sh' }),
          call('submit_work', {
            summary: 'x',
            commands: [{ command: 'bash slow.sh', exitCode: 0 }],
          }),
        ],
      },
      { 'slow.sh': 'sleep 60\n' },
      {
        commands: { allowlist: ['bash slow.sh'] },
        budgets: { perSession: { wallClockMinutes: 0.08 } },
      },
    );
    const outcome = await harness.run('implementer');
    expect(outcome.stopReason).toBe('budget-spent');
    expect(outcome.detail).toMatch(/^wall-clock:/);
    expect(outcome.commands).toMatchObject([{ command: 'bash slow.sh', timedOut: true }]);
    expect(outcome.wallMs).toBeLessThan(10_000);
  }, 20_000);

  it('no-submission: the model ends its turn with prose and no submit call', async () => {
    harness = await createHarness({ planner: [{ reply: { text: 'I think the plan is fine.' } }] });
    const outcome = await harness.run('planner');
    expect(outcome).toMatchObject({ stopReason: 'no-submission', turns: 1, submission: undefined });
  });

  it('invalid-output (R-17): rejected submissions are answered with reasons, then the session stops', async () => {
    const bad = call('submit_verdict', { verdict: 'MAYBE', summary: 'x', objections: [] });
    harness = await createHarness({
      'plan-reviewer': [
        bad,
        bad,
        bad,
        call('submit_verdict', { verdict: 'APPROVE', summary: 'x', objections: [] }),
      ],
    });
    const outcome = await harness.run('plan-reviewer', { maxRejectedSubmissions: 3 });
    expect(outcome).toMatchObject({
      stopReason: 'invalid-output',
      turns: 3,
      submission: undefined,
    });
    expect(outcome.rejectedSubmissions).toHaveLength(3);
    expect(outcome.rejectedSubmissions[0]).toMatch(/^verdict:/);
    expect(harness.server.requests[1]?.raw).toContain('submission rejected: verdict:');
  });

  it('invalid-output (R-17): a verdict that contradicts its objections is rejected', async () => {
    harness = await createHarness({
      'code-reviewer': [
        call('submit_verdict', { verdict: 'REQUEST_CHANGES', summary: 'x', objections: [] }),
        { reply: { text: 'giving up' } },
      ],
    });
    const outcome = await harness.run('code-reviewer');
    expect(outcome.stopReason).toBe('invalid-output');
    expect(outcome.rejectedSubmissions).toEqual([
      'objections: REQUEST_CHANGES needs at least one blocker or major objection',
    ]);
  });

  it('invalid-output (R-17): a work submission citing a check it never ran is rejected', async () => {
    harness = await createHarness(
      {
        implementer: [
          call('submit_work', {
            summary: 'done',
            commands: [{ command: 'pnpm test', exitCode: 0 }],
          }),
          { reply: { text: 'ok' } },
        ],
      },
      {},
      { commands: { allowlist: ['pnpm test'] } },
    );
    const outcome = await harness.run('implementer');
    expect(outcome.stopReason).toBe('invalid-output');
    expect(outcome.rejectedSubmissions).toEqual(['"pnpm test" was never run in this session']);
  });

  it('model-unavailable: 5xx beyond the retries ends the session as data, not a crash', async () => {
    harness = await createHarness({
      planner: Array.from({ length: 4 }, () => ({ reply: { fault: 'server-error' as const } })),
    });
    const outcome = await harness.run('planner', { maxRetries: 3 });
    expect(outcome).toMatchObject({
      stopReason: 'model-unavailable',
      turns: 0,
      transientErrors: 4,
    });
    expect(outcome.detail).toMatch(/\(500\)/);
  });

  it('spend-limit (R-15): stops at once, without retrying', async () => {
    harness = await createHarness({
      planner: [{ reply: { fault: 'spend-limit' } }, call('submit_plan', PLAN)],
    });
    const outcome = await harness.run('planner');
    expect(outcome).toMatchObject({ stopReason: 'spend-limit', turns: 0 });
    expect(harness.server.requests).toHaveLength(1);
  });
});

describe('retries (R-15)', () => {
  it('retries 429 and 529 with backoff and counts neither as a turn', async () => {
    harness = await createHarness({
      planner: [
        { reply: { fault: 'rate-limit' } },
        { reply: { fault: 'overloaded' } },
        call('list_files', {}),
        { reply: { fault: 'overloaded' } },
        call('submit_plan', PLAN),
      ],
    });
    const outcome = await harness.run('planner');
    expect(outcome).toMatchObject({ stopReason: 'submitted', turns: 2, transientErrors: 3 });
    expect(harness.server.requests.map((r) => r.status)).toEqual([429, 529, 200, 529, 200]);
    const transcript = await readFile(outcome.transcriptPath, 'utf8');
    expect(transcript.match(/"type":"response"/g)).toHaveLength(5);
  });

  it('R-16: charges an attempt that got no answer at the most it could cost, and retries it', async () => {
    const planner = await createHarness({ planner: [call('submit_plan', PLAN)] });
    harness = planner;
    const outcome = await withFetchFailing(1, () => planner.run('planner'));

    expect(outcome).toMatchObject({ stopReason: 'submitted', turns: 1, transientErrors: 1 });
    expect(planner.server.requests).toHaveLength(1);
    const lines = await transcriptLines(outcome);
    expect(lines.map((line) => line.type).slice(1, 4)).toEqual(['bound', 'request', 'no-answer']);
    const price = priceOf(outcome.model);
    expect(outcome.dollars).toBeCloseTo(
      costOf(outcome.usage, price) + costOf(fromApiUsage(boundIn(lines)), price),
      10,
    );
  });

  it('R-16: asks the budget again before retrying a request that got no answer', async () => {
    const planner = await createHarness({
      planner: [call('submit_plan', PLAN), call('submit_plan', PLAN)],
    });
    harness = planner;
    // The same first request, answered: its bound is what an unanswered one is charged.
    const answered = await planner.run('planner');
    const bound = costOf(
      fromApiUsage(boundIn(await transcriptLines(answered))),
      priceOf(answered.model),
    );

    // A ceiling the first attempt fits, and the first attempt's charge fills.
    const outcome = await withFetchFailing(Infinity, () =>
      planner.run('planner', { shared: { dollarsLeftForPr: bound } }),
    );

    expect(outcome.stopReason).toBe('budget-spent');
    expect(outcome.detail).toMatch(/^dollars: .* over the \$[\d.]+ ceiling$/);
    expect(outcome.dollars).toBeCloseTo(bound, 10);
    expect(outcome.transientErrors).toBe(1);
    const lines = await transcriptLines(outcome);
    expect(lines.filter((line) => line.type === 'no-answer')).toHaveLength(1);
  });
});

/** Runs `session` with the first `failures` model requests failing before any answer. */
async function withFetchFailing<T>(failures: number, session: () => Promise<T>): Promise<T> {
  const realFetch = globalThis.fetch;
  let attempts = 0;
  vi.stubGlobal('fetch', (...args: Parameters<typeof fetch>) =>
    ++attempts <= failures ? Promise.reject(new TypeError('fetch failed')) : realFetch(...args),
  );
  try {
    return await session();
  } finally {
    vi.unstubAllGlobals();
  }
}

async function transcriptLines(outcome: AgentOutcome) {
  return (await readFile(outcome.transcriptPath, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; usage?: ApiUsage });
}

/** The bound written before the session's first request. */
function boundIn(lines: readonly { type: string; usage?: ApiUsage }[]): ApiUsage {
  const bound = lines.find((line) => line.type === 'bound')?.usage;
  if (bound === undefined) throw new Error('no bound before the first request');
  return bound;
}

function priceOf(model: string) {
  const price = defaultConfig().prices[model];
  if (price === undefined) throw new Error(`no price for ${model}`);
  return price;
}

describe('model choice', () => {
  it('refuses to start with a model that has no price, so spend stays bounded', async () => {
    harness = await createHarness({ planner: [call('submit_plan', PLAN)] });
    const buildPrompt = () =>
      Promise.resolve({
        system: [{ type: 'text' as const, text: 'factory-role: planner' }],
        user: 'task',
        model: 'claude-unpriced-9',
        tools: [],
        stats: {
          tokens: 1,
          stableTokens: 1,
          tokenBudget: 1,
          adrsInFull: [],
          adrIndex: { shown: 0, total: 0 },
          specIndex: { shown: 0, total: 0 },
        },
      });
    await expect(harness.run('planner', { buildPrompt })).rejects.toThrow(
      /no price for model "claude-unpriced-9"/,
    );
    expect(harness.server.requests).toHaveLength(0);
  });
});

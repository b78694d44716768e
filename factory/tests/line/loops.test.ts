/**
 * The line's loops through the real workflow files in the twin: every review objection and every
 * red CI goes back to the stage that can answer it, with what went wrong, and comes round again;
 * a stage that keeps failing parks with the reason. The scripted model is in loop-script.ts.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.ts';
import { statesIn } from '../../src/core/states.ts';
import type { Twin } from '../../src/twin/index.ts';
import {
  CODE_OBJECTION,
  loopScript,
  PLAN_OBJECTION,
  TESTS_WITH_PUNCTUATION,
} from './loop-script.ts';
import { WORD_FREQUENCY_SPEC } from './specs.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Observed {
  /** The user side of each model request, per role, in order. */
  readonly asked: Readonly<Record<string, readonly string[]>>;
  /** `factory/ci` on each head the gate ran on, in order. */
  readonly ciStatuses: readonly string[];
  readonly testsOnMain: string;
  readonly secondPr: { readonly states: readonly string[]; readonly status: string };
  readonly mismatches: readonly string[];
}

async function observe(twin: Twin): Promise<Observed> {
  const api = `${twin.forge.apiUrl}/repos/${twin.info.repo}`;
  const headers = { authorization: `token ${twin.forge.as('writer')}` };
  const get = async <T>(path: string) =>
    (await (await fetch(`${api}${path}`, { headers })).json()) as T;
  const asked: Record<string, string[]> = {};
  for (const request of twin.model.requests) (asked[request.role ?? '?'] ??= []).push(request.raw);
  const gateHeads = (twin.runner?.runs() ?? [])
    .filter((run) => run.name === 'implementation-ci' && run.event === 'workflow_dispatch')
    .map((run) => String(run.inputs.expected_head_sha));
  const ciStatuses: string[] = [];
  for (const sha of gateHeads) {
    const { statuses } = await get<{ statuses: { context: string; state: string }[] }>(
      `/commits/${sha}/status`,
    );
    ciStatuses.push(statuses.find((status) => status.context === 'factory/ci')?.state ?? 'none');
  }
  const second = await get<{ labels: { name: string }[] }>('/pulls/2');
  const comments = await get<{ body: string }[]>('/issues/2/comments?per_page=100');
  return {
    asked,
    ciStatuses,
    testsOnMain: execFileSync(
      'git',
      ['--git-dir', twin.forge.gitDir, 'show', 'main:tests/words.test.ts'],
      { encoding: 'utf8' },
    ),
    secondPr: {
      states: statesIn(second.labels.map((label) => label.name)),
      status: comments.find((comment) => comment.body.includes('Factory status'))?.body ?? '',
    },
    mismatches: twin.model.mismatches,
  };
}

describe('the line’s loops, end to end through the real workflows (R-05)', () => {
  let result: DemoResult;
  let seen: Observed;

  beforeAll(async () => {
    result = await runDemo({
      repoRoot: REPO_ROOT,
      script: loopScript(),
      alsoQueue: [WORD_FREQUENCY_SPEC],
      inspect: async (twin) => {
        seen = await observe(twin);
      },
    });
  }, 600_000);

  const runsOf = (from: number, to: number) =>
    result.stages
      .filter((stage) => stage.stage !== 'scheduler')
      .slice(from, to)
      .map((stage) => stage.stage);

  it('goes round the plan loop, the CI loop and the code-review loop, then merges', () => {
    expect(result.outcome).toBe('merged');
    expect(runsOf(0, 14)).toEqual([
      'plan',
      'plan-review', // REQUEST_CHANGES
      'plan',
      'plan-review', // APPROVE
      'implementation',
      'implementation-ci', // red: formatting
      'implementation',
      'implementation-ci', // green
      'code-review', // REQUEST_CHANGES
      'implementation',
      'implementation-ci', // green
      'code-review', // APPROVE
      'merge',
      'plan', // the second spec
    ]);
  });

  it('hands the plan reviewer’s objection to the planner’s next session', () => {
    const [first, second] = seen.asked.planner ?? [];
    expect(first).not.toContain(PLAN_OBJECTION);
    expect(second).toContain(PLAN_OBJECTION);
  });

  it('publishes a red factory/ci on the head that failed, and hands the failure to the implementer', () => {
    expect(seen.ciStatuses).toEqual(['failure', 'success', 'success']);
    expect(
      (seen.asked.implementer ?? []).some((raw) => raw.includes("The project's CI failed")),
    ).toBe(true);
  });

  it('hands the code reviewer’s objection to the implementer, whose answer lands on main', () => {
    expect((seen.asked.implementer ?? []).some((raw) => raw.includes(CODE_OBJECTION))).toBe(true);
    expect(seen.testsOnMain).toBe(TESTS_WITH_PUNCTUATION);
  });

  it('R-05: parks the second spec after its plan’s third rejection, saying how to resume', () => {
    expect(runsOf(13, 19)).toEqual([
      'plan',
      'plan-review',
      'plan',
      'plan-review',
      'plan',
      'plan-review',
    ]);
    expect(seen.secondPr.states).toEqual(['needs-attention']);
    expect(seen.secondPr.status).toContain('retries-exhausted');
    expect(seen.secondPr.status).toContain('set the label `state:plan`');
  });

  it('plays the model script exactly, with no request off the script', () => {
    expect(seen.mismatches).toEqual([]);
  });
});

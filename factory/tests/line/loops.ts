/**
 * The line's loops: every review objection and every red CI goes back to the stage that can
 * answer it, with what went wrong, and comes round again; a stage that keeps failing parks with
 * the reason. The scripted models are in loop-script.ts.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.ts';
import { statesIn } from '../../src/core/states.ts';
import { parseLedger } from '../../src/core/status.ts';
import type { ModelScript } from '../../src/twin/model/index.ts';
import type { Twin } from '../../src/twin/index.ts';
import { queueOverTheDayCeiling, startWithinOneUtcDay, type DayCeiling } from './day-ceiling.ts';
import { sendForkPr, type ForkPr } from './fork-pr.ts';
import { resumeByHand, type Resume } from './resume.ts';
import {
  CODE_OBJECTION,
  exhaustionScript,
  loopScript,
  PLAN_OBJECTION,
  TESTS_WITH_PUNCTUATION,
} from './loop-script.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LineRun {
  readonly result: DemoResult;
  readonly seen: Observed;
}

interface Observed {
  /** The user side of each model request, per role, in order. */
  readonly asked: Readonly<Record<string, readonly string[]>>;
  /** `factory/ci` on each head the gate ran on, in order. */
  readonly ciStatuses: readonly string[];
  /** The tests file on main, or nothing when the spec never merged. */
  readonly testsOnMain: string | undefined;
  readonly states: readonly string[];
  readonly status: string;
  readonly mismatches: readonly string[];
}

/**
 * The example spec through the line with `script` playing the model; `then` acts on the twin once
 * the line is at rest and observed.
 */
async function runWith(
  script: ModelScript,
  then?: (twin: Twin) => Promise<void>,
): Promise<LineRun> {
  let seen: Observed | undefined;
  const result = await runDemo({
    repoRoot: REPO_ROOT,
    script,
    inspect: async (twin) => {
      seen = await observe(twin);
      await then?.(twin);
    },
  });
  if (seen === undefined) throw new Error('the line ended before the twin was observed');
  return { result, seen };
}

export const runLoops = (): Promise<LineRun> => runWith(loopScript());

export interface ExhaustionRun extends LineRun {
  /** The parked PR resumed by a writer in one step, once the line is at rest. */
  readonly resume: Resume;
  /** A spec PR from a fork, sent once the parked line is at rest (the shortest of the scenarios). */
  readonly forkPr: ForkPr;
  /** A spec queued after that, once the day's ceiling is lowered below what the line spent. */
  readonly dayCeiling: DayCeiling;
}

export async function runExhaustion(): Promise<ExhaustionRun> {
  let resume: Resume | undefined;
  let forkPr: ForkPr | undefined;
  let dayCeiling: DayCeiling | undefined;
  await startWithinOneUtcDay();
  const run = await runWith(exhaustionScript(), async (twin) => {
    resume = await resumeByHand(twin, 1, 'state:plan');
    forkPr = await sendForkPr(twin);
    dayCeiling = await queueOverTheDayCeiling(twin);
  });
  if (resume === undefined || forkPr === undefined || dayCeiling === undefined)
    throw new Error('the resume, the fork PR or the spec over the day’s ceiling was never sent');
  return { ...run, resume, forkPr, dayCeiling };
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
  const pull = await get<{ labels: { name: string }[] }>('/pulls/1');
  const comments = await get<{ body: string }[]>('/issues/1/comments?per_page=100');
  return {
    asked,
    ciStatuses,
    testsOnMain: readOnMain(twin.forge.gitDir, 'tests/words.test.ts'),
    states: statesIn(pull.labels.map((label) => label.name)),
    status: comments.find((comment) => comment.body.includes('Factory status'))?.body ?? '',
    mismatches: twin.model.mismatches,
  };
}

function readOnMain(gitDir: string, path: string): string | undefined {
  try {
    return execFileSync('git', ['--git-dir', gitDir, 'show', `main:${path}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

const stagesOf = (run: LineRun) =>
  run.result.stages.filter((stage) => stage.stage !== 'scheduler').map((stage) => stage.stage);

export function describeLoops(loops: () => LineRun): void {
  describe('the loops', () => {
    const seen = () => loops().seen;

    it('goes round the plan loop, the CI loop and the code-review loop, then merges', () => {
      expect(loops().result.outcome).toBe('merged');
      expect(stagesOf(loops())).toEqual([
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
      ]);
    });

    it('hands the plan reviewer’s objection to the planner’s next session', () => {
      const [first, second] = seen().asked.planner ?? [];
      expect(first).not.toContain(PLAN_OBJECTION);
      expect(second).toContain(PLAN_OBJECTION);
    });

    it('publishes a red factory/ci on the head that failed, and hands the failure to the implementer', () => {
      expect(seen().ciStatuses).toEqual(['failure', 'success', 'success']);
      expect(
        (seen().asked.implementer ?? []).some((raw) => raw.includes("The project's CI failed")),
      ).toBe(true);
    });

    it('hands the code reviewer’s objection to the implementer, whose answer lands on main', () => {
      expect((seen().asked.implementer ?? []).some((raw) => raw.includes(CODE_OBJECTION))).toBe(
        true,
      );
      expect(seen().testsOnMain).toBe(TESTS_WITH_PUNCTUATION);
    });

    it('plays the model script exactly, with no request off the script', () => {
      expect(seen().mismatches).toEqual([]);
    });
  });
}

export function describeExhaustion(exhaustion: () => LineRun): void {
  describe('a plan rejected every time (R-05)', () => {
    const seen = () => exhaustion().seen;

    it('parks after the third rejection, naming the stage and the label that resumes it', () => {
      expect(exhaustion().result.outcome).toBe('needs-attention');
      expect(stagesOf(exhaustion())).toEqual([
        'plan',
        'plan-review',
        'plan',
        'plan-review',
        'plan',
        'plan-review',
      ]);
      expect(seen().states).toEqual(['needs-attention']);
      expect(parseLedger(seen().status).park).toMatchObject({
        reason: 'retries-exhausted',
        stage: 'plan',
      });
      expect(seen().status).toContain('set the label `state:plan`');
      expect(seen().testsOnMain).toBeUndefined();
    });

    it('plays the model script exactly, with no request off the script', () => {
      expect(seen().mismatches).toEqual([]);
    });
  });
}

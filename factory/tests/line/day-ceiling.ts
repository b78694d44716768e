/**
 * The per-day ceiling through the real workflows (ADR 0010): once what the line spent today
 * reaches `budgets.perDayDollars`, the scheduler starts no queued spec. Sent on the parked line,
 * after its sessions have spent: the owner lowers the ceiling on main below that, and a writer
 * queues a new spec.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Twin } from '../../src/twin/index.ts';
import type { RunRecord } from '../../src/twin/runner/index.ts';
import { watchFromNow } from './watch.ts';

const NEXT_SPEC = `# Count lines

## Goal

Let callers count the lines of a text as well as its words.

## Acceptance criteria

- [ ] \`src/words.ts\` exports \`countLines(text)\` returning the number of lines, tested in \`tests/words.test.ts\`.
`;

export interface DayCeiling {
  readonly pr: number;
  readonly labels: readonly string[];
  /** The scheduler runs the queued label started. */
  readonly schedulerRuns: readonly RunRecord[];
  readonly modelRequests: number;
  readonly dispatchesForIt: number;
}

/** How long the scenario that spends and then queues over the ceiling takes, with room to spare. */
const SCENARIO_MINUTES = 6;

/**
 * The ceiling counts what the line spent in the current UTC day. A scenario that spends before
 * midnight and queues after it would see nothing spent, so one that would straddle midnight
 * starts just after it instead.
 */
export async function startWithinOneUtcDay(): Promise<void> {
  const now = new Date();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const left = midnight - now.getTime();
  if (left < SCENARIO_MINUTES * 60_000)
    await new Promise((resolve) => setTimeout(resolve, left + 1_000));
}

export async function queueOverTheDayCeiling(twin: Twin): Promise<DayCeiling> {
  await lowerTheDayCeiling(twin, 0.000_001);
  const watch = watchFromNow(twin);
  const pr = await twin.forge.openPullRequest('writer', {
    branch: 'count-lines',
    files: { 'specs/0004-count-lines.md': NEXT_SPEC },
    title: 'Count lines',
    labels: ['state:queued'],
  });
  await twin.settle();
  return {
    pr,
    labels: await watch.labelsOf(pr),
    schedulerRuns: watch.runs().filter((run) => run.name === 'scheduler'),
    modelRequests: watch.modelRequests(),
    dispatchesForIt: watch.dispatchesFor(pr),
  };
}

/** The owner (an admin) commits a `factory.config.yaml` to main with `perDayDollars` set to `dollars`. */
async function lowerTheDayCeiling(twin: Twin, dollars: number): Promise<void> {
  const config = execFileSync(
    'git',
    ['--git-dir', twin.forge.gitDir, 'show', 'main:factory.config.yaml'],
    { encoding: 'utf8' },
  );
  const parsed = parse(config) as { budgets?: Record<string, unknown> } | null;
  const lowered = { ...parsed, budgets: { ...parsed?.budgets, perDayDollars: dollars } };
  const pushed = await twin.forge.commit('octo-owner', {
    branch: 'main',
    files: { 'factory.config.yaml': stringify(lowered) },
  });
  if (!pushed.ok) throw new Error(`lowering the day's ceiling was refused:\n${pushed.output}`);
}

export function describeDayCeiling(dayCeiling: () => DayCeiling): void {
  describe('R-16: the per-day ceiling, once today’s spend reaches it (budgets.perDayDollars)', () => {
    it('leaves a newly queued spec queued: the scheduler ran, said why, and started nothing', () => {
      expect(dayCeiling().labels).toContain('state:queued');
      expect(dayCeiling().labels.filter((label) => label.startsWith('state:'))).toHaveLength(1);
      expect(dayCeiling().schedulerRuns.map((run) => run.conclusion)).toEqual(['success']);
      const summary = dayCeiling().schedulerRuns.flatMap((run) =>
        run.jobs.map((job) => job.summary),
      );
      expect(summary.join('\n')).toMatch(/which reaches budgets\.perDayDollars \(\$0\.00\)/);
      expect(dayCeiling().dispatchesForIt).toBe(0);
      expect(dayCeiling().modelRequests).toBe(0);
    });
  });
}

/** One chaos run from its plan to its verdict, and the figures of many runs in a few lines. */
import type { ChaosPlan } from './chaos-plan.ts';
import { conduct } from './conductor.ts';
import { checkAtRest } from './invariants.ts';
import { createFakeWorld } from './fake-world.ts';
import { createForgeWorld } from './world.ts';

export interface ChaosResult {
  readonly seed: number;
  readonly on: 'fake' | 'forge';
  readonly outcomes: readonly string[];
  readonly violations: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly faults: Readonly<Record<string, number>>;
  readonly crashes: readonly string[];
  readonly jobErrors: readonly string[];
  readonly jobs: number;
  readonly ms: number;
}

/** Runs one plan in the fast world, or on the twin forge (with its faults). */
export async function runChaos(plan: ChaosPlan, on: 'fake' | 'forge'): Promise<ChaosResult> {
  const started = performance.now();
  const world =
    on === 'forge'
      ? await createForgeWorld(plan.seed)
      : await createFakeWorld({ dismissStaleApprovals: plan.seed % 2 === 0 });
  try {
    const log = await conduct(world, plan);
    const faults = world.faultCounts();
    const rest = await checkAtRest(world, log);
    return {
      seed: plan.seed,
      on,
      outcomes: rest.outcomes,
      violations: [...rest.violations, ...log.jobErrors.filter(isUnexpected)],
      counts: log.counts,
      faults,
      crashes: log.crashes,
      jobErrors: log.jobErrors,
      jobs: log.jobs,
      ms: performance.now() - started,
    };
  } catch (error) {
    return {
      seed: plan.seed,
      on,
      outcomes: [],
      violations: [
        `the run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ],
      counts: {},
      faults: {},
      crashes: [],
      jobErrors: [],
      jobs: 0,
      ms: performance.now() - started,
    };
  } finally {
    await world.close();
  }
}

/** A job may die of GitHub still failing after every retry; anything else is a bug in the line. */
function isUnexpected(error: string): boolean {
  return !error.includes('GitHubError');
}

const add = (into: Record<string, number>, key: string, by = 1) =>
  (into[key] = (into[key] ?? 0) + by);

export function summarise(results: readonly ChaosResult[], ms: number): string {
  const outcomes: Record<string, number> = {};
  const injected: Record<string, number> = {};
  let violations = 0;
  let prs = 0;
  for (const result of results) {
    for (const outcome of result.outcomes) add(outcomes, outcome);
    prs += result.outcomes.length;
    violations += result.violations.length;
    for (const [kind, n] of Object.entries(result.faults)) add(injected, kind, n);
    for (const [kind, n] of Object.entries(result.counts)) add(injected, kind, n);
    add(injected, 'crashes at a write point', result.crashes.length);
    add(
      injected,
      'transitions crashed after all but their label landed',
      result.crashes.filter((crash) => crash.includes('all but the label')).length,
    );
    add(
      injected,
      'jobs dead of GitHub errors after retries',
      result.jobErrors.length - result.jobErrors.filter(isUnexpected).length,
    );
  }
  const list = (record: Record<string, number>) =>
    Object.entries(record)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `${key} ${String(n)}`)
      .join(', ');
  const failing = results
    .filter((result) => result.violations.length > 0)
    .map((result) => result.seed);
  return [
    `CHAOS: ${String(results.length)} runs (seeds ${String(results[0]?.seed ?? '-')}–${String(results.at(-1)?.seed ?? '-')}), ${String(prs)} PRs, ${String(results.reduce((n, r) => n + r.jobs, 0))} jobs, ${(ms / 1000).toFixed(1)} s`,
    `  outcomes: ${list(outcomes)}`,
    `  injected: ${list(injected)}`,
    `  invariant violations: ${String(violations)}${failing.length === 0 ? '' : ` (failing seeds: ${failing.join(', ')})`}`,
  ].join('\n');
}

/**
 * What goes wrong in one chaos run, drawn once from its seed so a failing run replays exactly:
 * which writes crash, how often dispatches are doubled or replayed, how often reviewers reject and
 * CI is red, whether a person relabels mid-stage, whether main moves under the merge, whether the
 * implementer touches the floor, and the forge's fault rate.
 */
import { seededRandom } from '../../src/twin/forge/faults.ts';
import type { State } from '../../src/core/states.ts';

export interface ChaosPlan {
  readonly seed: number;
  readonly specs: number;
  /** Write numbers (across the run) at which the job crashes. */
  readonly crashAt: ReadonlySet<number>;
  readonly duplicateRate: number;
  readonly replayRate: number;
  /** Label events caused by the factory's own token, delivered anyway (they must be skipped). */
  readonly botEventRate: number;
  readonly rejectRate: number;
  readonly ciRedRate: number;
  readonly ciCancelRate: number;
  readonly agentFailRate: number;
  readonly agentCrashRate: number;
  /** Port call (counted over the run) at which a person relabels a PR mid-stage, with the target. */
  readonly relabel: { readonly atCall: number; readonly to: State } | undefined;
  readonly mainMoves: number;
  /** A main move that edits the PR's own feature file, so the rebase conflicts. */
  readonly conflictingMainMove: boolean;
  /** Protected file the implementer also writes on its first attempt. */
  readonly touchProtected: string | undefined;
  /** Fraction of forge calls that fail, per fault kind. */
  readonly faultRate: number;
  /** A person puts a PR the line parked back on the line once. */
  readonly resumeParked: boolean;
}

const RELABEL_TARGETS: readonly State[] = [
  'plan',
  'implementation',
  'code-review',
  'merge',
  'needs-attention',
];
const PROTECTED = ['.github/workflows/ci.yml', 'CLAUDE.md', 'factory.config.yaml'] as const;

export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function drawPlan(seed: number): ChaosPlan {
  const random = seededRandom(seed);
  const chance = (p: number) => random() < p;
  const crashes = new Set<number>();
  // Writes of a run number about 20–60; sweep the points so that over the runs each is hit.
  crashes.add(1 + (seed % 40));
  if (chance(0.4)) crashes.add(1 + Math.floor(random() * 60));
  return {
    seed,
    specs: chance(0.3) ? 2 : 1,
    crashAt: crashes,
    duplicateRate: pick(random, [0, 0.2, 0.5]),
    replayRate: pick(random, [0, 0.1, 0.25]),
    botEventRate: pick(random, [0, 0.3]),
    rejectRate: pick(random, [0, 0.2, 0.4]),
    ciRedRate: pick(random, [0, 0.2, 0.35]),
    ciCancelRate: pick(random, [0, 0.05]),
    agentFailRate: pick(random, [0, 0.05]),
    agentCrashRate: pick(random, [0, 0.05]),
    relabel: chance(0.4)
      ? { atCall: 20 + Math.floor(random() * 300), to: pick(random, RELABEL_TARGETS) }
      : undefined,
    mainMoves: pick(random, [0, 1, 2]),
    conflictingMainMove: chance(0.1),
    touchProtected: chance(0.15) ? pick(random, PROTECTED) : undefined,
    faultRate: pick(random, [0, 0.02, 0.04]),
    resumeParked: chance(0.3),
  };
}

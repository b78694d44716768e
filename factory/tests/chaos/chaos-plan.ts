/**
 * What goes wrong in one chaos run, drawn once from its seed so a failing run replays exactly:
 * which writes crash, how often dispatches are doubled or replayed, how often reviewers reject and
 * CI is red, whether a person relabels, reviews or dismisses the line's approval mid-stage,
 * whether main moves under the merge, whether the owner adds a rule on pushes,
 * whether the implementer touches the floor, and the forge's fault rate.
 */
import { seededRandom } from '../../src/twin/forge/faults.ts';
import type { ReviewVerdict } from '../../src/core/ports.ts';
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
  /** They do it by adding the stage's label on top of the park, rather than replacing it. */
  readonly resumeOnTop: boolean;
  /**
   * Port call at which a person reviews the PR in flight, outside the merge job: a writer, whose
   * word counts, or a reader, whose word does not (ADR 0009).
   */
  readonly personReview:
    | { readonly atCall: number; readonly verdict: ReviewVerdict; readonly as: 'writer' | 'reader' }
    | undefined;
  /**
   * Port call from which a writer dismisses the line's approval of the PR in flight, once there is
   * one, to hold the PR back.
   */
  readonly dismissApproval: { readonly atCall: number } | undefined;
  /**
   * Port call from which the owner adds a ruleset with a push rule on the branch of the PR in
   * flight: signed commits, which refuses the line's next push there (the stage tests pin that
   * the PR parks push-refused), or no force pushes, which the merge meets by merging main in;
   * every invariant must hold around either.
   */
  readonly pushRule: { readonly atCall: number; readonly type: PushRule } | undefined;
}

export type PushRule = 'required_signatures' | 'non_fast_forward';

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
    // Drawn last, so the draws above stay what they were for every seed.
    personReview: chance(0.3)
      ? {
          atCall: 10 + Math.floor(random() * 150),
          verdict: pick(random, ['APPROVE', 'REQUEST_CHANGES'] as const),
          as: pick(random, ['writer', 'reader'] as const),
        }
      : undefined,
    resumeOnTop: chance(0.5),
    dismissApproval: chance(0.25) ? { atCall: 10 + Math.floor(random() * 150) } : undefined,
    pushRule: chance(0.15)
      ? {
          atCall: 10 + Math.floor(random() * 120),
          type: pick(random, ['required_signatures', 'non_fast_forward'] as const),
        }
      : undefined,
  };
}

/**
 * The states of the line and the labels that carry them. Labels are the state (design §1): a PR at
 * rest has exactly one `state:*` label, and everything else is derived from GitHub's own records.
 */

export const STATES = [
  'queued',
  'plan',
  'plan-review',
  'implementation',
  'implementation-ci',
  'code-review',
  'merge',
  'needs-attention',
] as const;

export type State = (typeof STATES)[number];

/** States in which a stage is working on the PR (the watchdog's beat). */
export const WORKING_STATES = [
  'plan',
  'plan-review',
  'implementation',
  'implementation-ci',
  'code-review',
  'merge',
] as const satisfies readonly State[];

export type WorkingState = (typeof WORKING_STATES)[number];

export const STATE_LABEL_PREFIX = 'state:';

export type StateLabel = `${typeof STATE_LABEL_PREFIX}${State}`;

export interface LabelSpec {
  readonly name: StateLabel;
  /** Six hex digits, no `#`, as GitHub's label API expects. */
  readonly color: string;
  readonly description: string;
}

/** Colours walk from grey (waiting) through blue/purple (working) to green (merging); red parks. */
const LABEL_LOOKS = {
  queued: { color: 'ededed', description: 'Spec waiting for the factory to pick it up' },
  plan: { color: 'c5def5', description: 'Planner agent is writing the implementation plan' },
  'plan-review': { color: 'bfd4f2', description: 'Plan-reviewer agent is reviewing the plan' },
  implementation: { color: '5319e7', description: 'Implementer agent is writing the code' },
  'implementation-ci': { color: '1d76db', description: 'CI is running on the exact head commit' },
  'code-review': { color: '0052cc', description: 'Code-reviewer agent is reviewing the diff' },
  merge: { color: '0e8a16', description: 'Rebasing, re-testing and squash-merging' },
  'needs-attention': {
    color: 'd93f0b',
    description: 'Parked: a person must look (see the status comment)',
  },
} as const satisfies Record<State, Omit<LabelSpec, 'name'>>;

export function labelOf(state: State): StateLabel {
  return `${STATE_LABEL_PREFIX}${state}`;
}

/** All `state:*` labels with their colours and descriptions, in line order. */
export const STATE_LABELS: readonly LabelSpec[] = STATES.map((state) => ({
  name: labelOf(state),
  ...LABEL_LOOKS[state],
}));

export function isState(value: string): value is State {
  return (STATES as readonly string[]).includes(value);
}

export function isWorkingState(state: State): state is WorkingState {
  return (WORKING_STATES as readonly State[]).includes(state);
}

/** The state a label names, or `undefined` when it is not a `state:*` label of ours. */
export function stateOfLabel(label: string): State | undefined {
  if (!label.startsWith(STATE_LABEL_PREFIX)) return undefined;
  const name = label.slice(STATE_LABEL_PREFIX.length);
  return isState(name) ? name : undefined;
}

/** Every state a set of labels claims. At rest this has exactly one element. */
export function statesIn(labels: readonly string[]): State[] {
  return labels.map(stateOfLabel).filter((state): state is State => state !== undefined);
}

/** Replaces every `state:*` label with the one for `next`, keeping all other labels in order. */
export function withState(labels: readonly string[], next: State): string[] {
  return [...labels.filter((label) => stateOfLabel(label) === undefined), labelOf(next)];
}

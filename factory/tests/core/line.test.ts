import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptFacts, type TimelineEntry } from '../../src/core/attempts.ts';
import { defaultConfig } from '../../src/core/config.ts';
import {
  TRANSITIONS,
  transition,
  type AttemptFacts,
  type LineEvent,
  type LineEventType,
  type Next,
} from '../../src/core/line.ts';
import {
  STATES,
  WORKING_STATES,
  labelOf,
  statesIn,
  withState,
  type State,
} from '../../src/core/states.ts';

const SAMPLE_EVENTS: Record<LineEventType, LineEvent> = {
  picked: { type: 'picked' },
  'plan-submitted': { type: 'plan-submitted' },
  'plan-approved': { type: 'plan-approved' },
  'plan-changes-requested': { type: 'plan-changes-requested' },
  'work-submitted': { type: 'work-submitted' },
  'ci-passed': { type: 'ci-passed' },
  'ci-failed': { type: 'ci-failed' },
  'code-approved': { type: 'code-approved' },
  'code-changes-requested': { type: 'code-changes-requested' },
  'merge-ready': { type: 'merge-ready', sha: 'a'.repeat(40) },
  'merge-ci-failed': { type: 'merge-ci-failed' },
  'head-moved': { type: 'head-moved' },
  'main-moved': { type: 'main-moved' },
  'approval-dismissed': { type: 'approval-dismissed' },
  conflict: { type: 'conflict' },
  'attempt-failed': { type: 'attempt-failed', reason: 'invalid-output' },
  blocked: { type: 'blocked', reason: 'protected-path', detail: 'touched .github/workflows/x.yml' },
};
const EVENTS = Object.values(SAMPLE_EVENTS);

/** The conveyor of design §2, restated independently of the implementation's table. */
const EXPECTED_MOVES: readonly (readonly [State, LineEventType, Next])[] = [
  ['queued', 'picked', 'plan'],
  ['plan', 'plan-submitted', 'plan-review'],
  ['plan-review', 'plan-approved', 'implementation'],
  ['plan-review', 'plan-changes-requested', 'plan'],
  ['implementation', 'work-submitted', 'implementation-ci'],
  ['implementation-ci', 'ci-passed', 'code-review'],
  ['implementation-ci', 'ci-failed', 'implementation'],
  ['code-review', 'code-approved', 'merge'],
  ['code-review', 'code-changes-requested', 'implementation'],
  ['merge', 'merge-ready', 'merged'],
  ['merge', 'merge-ci-failed', 'implementation'],
  ['merge', 'head-moved', 'implementation-ci'],
  ['merge', 'main-moved', 'merge'],
  ['merge', 'approval-dismissed', 'code-review'],
  ['merge', 'conflict', 'implementation'],
];

const ALL_PAIRS = STATES.flatMap((state) => EVENTS.map((event) => [state, event] as const));

describe('transition()', () => {
  it.each(EXPECTED_MOVES)('moves %s on %s to %s', (state, type, next) => {
    expect(transition(state, SAMPLE_EVENTS[type]).next).toBe(next);
  });

  it.each(ALL_PAIRS)('never throws and lands somewhere known: %s on %o', (state, event) => {
    const { next, effects } = transition(state, event);
    expect([...STATES, 'merged']).toContain(next);
    const stateWrites = effects.filter((effect) => effect.type === 'set-state');
    if (next !== 'merged' && next !== state)
      expect(stateWrites).toEqual([{ type: 'set-state', state: next }]);
  });

  it.each(
    ALL_PAIRS.filter(
      ([state, event]) =>
        state !== 'needs-attention' &&
        !['blocked', 'attempt-failed'].includes(event.type) &&
        !EXPECTED_MOVES.some(([from, type]) => from === state && type === event.type),
    ),
  )('parks an unknown pair with a named reason instead of throwing: %s on %o', (state, event) => {
    expect(transition(state, event).effects[0]).toMatchObject({
      type: 'park',
      reason: 'unknown-transition',
    });
  });

  it('sets the label before dispatching, so the next stage finds itself current', () => {
    expect(transition('plan', SAMPLE_EVENTS['plan-submitted']).effects).toEqual([
      { type: 'set-state', state: 'plan-review' },
      { type: 'dispatch', stage: 'plan-review' },
    ]);
  });

  it('merges the exact SHA it was given and then dispatches the scheduler itself (R-01)', () => {
    expect(transition('merge', { type: 'merge-ready', sha: 'f00d' }).effects).toEqual([
      { type: 'merge', sha: 'f00d' },
      { type: 'dispatch', stage: 'scheduler' },
    ]);
  });

  it.each(WORKING_STATES)('parks %s with the reason it was blocked for', (state) => {
    expect(transition(state, SAMPLE_EVENTS.blocked)).toEqual({
      next: 'needs-attention',
      effects: [
        { type: 'park', reason: 'protected-path', detail: 'touched .github/workflows/x.yml' },
        { type: 'set-state', state: 'needs-attention' },
      ],
    });
  });

  it.each(EVENTS)('leaves a parked PR alone whatever arrives: %o', (event) => {
    expect(transition('needs-attention', event)).toEqual({ next: 'needs-attention', effects: [] });
  });

  it('re-runs a stage in place after a failed attempt, noting why in the timeline (R-17)', () => {
    const facts = limits({ plan: 1 }, { plan: 3 });
    expect(transition('plan', SAMPLE_EVENTS['attempt-failed'], facts).effects).toEqual([
      { type: 'comment', stage: 'plan', reason: 'invalid-output' },
      { type: 'dispatch', stage: 'plan' },
    ]);
  });

  it('parks retries-exhausted when a failed attempt was the last allowed (R-17)', () => {
    const facts = limits({ plan: 3 }, { plan: 3 });
    expect(transition('plan', SAMPLE_EVENTS['attempt-failed'], facts).effects[0]).toMatchObject({
      type: 'park',
      reason: 'retries-exhausted',
    });
  });

  it('parks stage-crashed when a crashed stage was already re-run, with attempts left (R-03)', () => {
    const facts = limits({ 'code-review': 2 }, { 'code-review': 3 });
    const event: LineEvent = {
      type: 'attempt-failed',
      reason: 'stage-crashed',
      crashedAgain: true,
    };
    expect(transition('code-review', event, facts).effects[0]).toMatchObject({
      reason: 'stage-crashed',
      detail: 'The code-review stage stopped without finishing, and so did its re-run.',
    });
  });

  it('parks stage-crashed, saying so, when a stage crashed on the last run it was allowed (R-03, R-05)', () => {
    const facts = limits({ 'code-review': 3 }, { 'code-review': 3 });
    const event: LineEvent = { type: 'attempt-failed', reason: 'stage-crashed' };
    expect(transition('code-review', event, facts).effects[0]).toMatchObject({
      reason: 'stage-crashed',
      detail:
        'The code-review stage stopped without finishing on the last run it was allowed (3 since the last move by a person).',
    });
  });

  it.each([
    ['plan-review', 'plan-changes-requested', 'plan'],
    ['implementation-ci', 'ci-failed', 'implementation'],
    ['code-review', 'code-changes-requested', 'implementation'],
  ] as const)('bounds the %s → %s loop by the attempts of %s (R-05)', (state, type, target) => {
    expect(
      transition(state, SAMPLE_EVENTS[type], limits({ [target]: 2 }, { [target]: 3 })).next,
    ).toBe(target);
    expect(
      transition(state, SAMPLE_EVENTS[type], limits({ [target]: 3 }, { [target]: 3 })),
    ).toMatchObject({
      next: 'needs-attention',
      effects: [
        // Resumed at the stage whose retries ran out, not at the reviewer that sent it back.
        { type: 'park', reason: 'retries-exhausted', stage: target },
        { type: 'set-state', state: 'needs-attention' },
      ],
    });
  });

  it('sends a conflict back to the implementer once, noting it, then parks conflict (R-18)', () => {
    const first = transition(
      'merge',
      SAMPLE_EVENTS.conflict,
      limits({ implementation: 1 }, { implementation: 3 }),
    );
    expect(first.next).toBe('implementation');
    expect(first.effects[0]).toEqual({
      type: 'comment',
      stage: 'implementation',
      reason: 'conflict',
    });
    const second = transition('merge', SAMPLE_EVENTS.conflict, {
      ...limits({ implementation: 2 }, { implementation: 3 }),
      conflictReturns: 1,
    });
    expect(second.effects[0]).toMatchObject({ type: 'park', reason: 'conflict' });
  });

  it('re-runs the merge in place when main moved, bounded like any retry (R-06)', () => {
    expect(
      transition('merge', SAMPLE_EVENTS['main-moved'], limits({ merge: 1 }, { merge: 3 })).effects,
    ).toEqual([
      { type: 'comment', stage: 'merge', reason: 'main-moved' },
      { type: 'dispatch', stage: 'merge' },
    ]);
  });

  it('sends a head whose approval the repository dismissed back to code review, bounded by its attempts', () => {
    const dismissed = SAMPLE_EVENTS['approval-dismissed'];
    expect(
      transition('merge', dismissed, limits({ 'code-review': 1 }, { 'code-review': 3 })),
    ).toEqual({
      next: 'code-review',
      effects: [
        { type: 'set-state', state: 'code-review' },
        { type: 'dispatch', stage: 'code-review' },
      ],
    });
    const spent = transition(
      'merge',
      dismissed,
      limits({ 'code-review': 3 }, { 'code-review': 3 }),
    );
    expect(spent.effects[0]).toMatchObject({ type: 'park', reason: 'retries-exhausted' });
  });

  it('sends a moved head back to CI, never into main (R-06)', () => {
    expect(transition('merge', SAMPLE_EVENTS['head-moved']).effects).not.toContainEqual(
      expect.objectContaining({ type: 'merge' }),
    );
  });
});

describe('the transition graph', () => {
  const successors = (state: State): Next[] =>
    EVENTS.map((event) => transition(state, event).next).filter((next) => next !== state);

  it('reaches merged or needs-attention from every state', () => {
    for (const state of STATES.filter((s) => s !== 'needs-attention')) {
      const seen = new Set<Next>([state]);
      const frontier: Next[] = [state];
      while (frontier.length > 0) {
        const current = frontier.pop();
        if (current === undefined || current === 'merged') continue;
        for (const next of successors(current).filter((n) => !seen.has(n))) {
          seen.add(next);
          frontier.push(next);
        }
      }
      expect(seen, state).toContain('merged');
      expect(seen, state).toContain('needs-attention');
    }
  });

  it('orphans no state: each is reached from queued or is where people put PRs', () => {
    const rows: Partial<Record<LineEventType, { to: Next }>>[] = Object.values(TRANSITIONS);
    const targets = new Set(rows.flatMap((row) => Object.values(row).map((edge) => edge.to)));
    for (const state of STATES.filter((s) => s !== 'queued' && s !== 'needs-attention')) {
      expect(targets, state).toContain(state);
    }
  });
});

describe('random event sequences (R-04, R-05)', () => {
  const config = defaultConfig();
  const isFactory = (login: string) => login === 'github-actions[bot]';
  const humanMove = fc.record({
    kind: fc.constant('human' as const),
    to: fc.constantFrom(...STATES),
  });
  // Mostly events the current state has a rule for, so runs go deep into retry loops; rarely any.
  const lineEvent = fc.record({
    kind: fc.constant('line' as const),
    pick: fc.nat(),
    wild: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  });

  it('leaves exactly one state label at rest, the one of the state reached, and never runs a stage past its bound', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof({ weight: 1, arbitrary: humanMove }, { weight: 8, arbitrary: lineEvent }),
          { maxLength: 60 },
        ),
        (steps) => {
          const line = simulate(config, isFactory);
          for (const step of steps) {
            if (step.kind === 'human') line.personSets(step.to);
            else
              line.apply(
                step.wild
                  ? (EVENTS[step.pick % EVENTS.length] ?? SAMPLE_EVENTS.picked)
                  : plausibleEvent(line.state(), step.pick),
              );
            // The labels come only from the transition's effects, so a move that forgets its
            // label write leaves the PR labelled for a state it has left.
            expect(statesIn(line.labels)).toEqual([line.labelledState()]);
            for (const stage of WORKING_STATES) {
              expect(line.runsSinceHuman[stage] ?? 0).toBeLessThanOrEqual(
                config.retries[stage] + 1,
              );
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** An event the state has a rule for (its own edges, or a failed attempt), chosen by `pick`. */
function plausibleEvent(state: State | 'merged', pick: number): LineEvent {
  if (state === 'merged' || state === 'needs-attention') return SAMPLE_EVENTS.picked;
  const row: Partial<Record<LineEventType, unknown>> = TRANSITIONS[state];
  const types = [...(Object.keys(row) as LineEventType[]), 'attempt-failed' as const];
  return SAMPLE_EVENTS[types[pick % types.length] ?? 'picked'];
}

function limits(
  attempts: AttemptFacts['attempts'],
  maxAttempts: AttemptFacts['maxAttempts'],
): AttemptFacts {
  return { attempts, maxAttempts, conflictReturns: 0 };
}

/**
 * A PR on the line, with its labels and timeline, driven only through `transition()`. As on the
 * real line, each step reads the PR's state from its label, and only the effects write labels.
 */
function simulate(config: ReturnType<typeof defaultConfig>, isFactory: (login: string) => boolean) {
  let state: State | 'merged' = 'queued';
  let clock = 0;
  const timeline: TimelineEntry[] = [];
  const line = {
    labels: ['enhancement', labelOf('queued')] as string[],
    runsSinceHuman: {} as Partial<Record<State, number>>,
    state: () => state,
    /** The state the PR's label should name: a merged PR keeps the label of its last stage. */
    labelledState: (): State => (state === 'merged' ? 'merge' : state),
    personSets(to: State) {
      if (state === 'merged') return;
      relabel(to, 'a-person');
      state = to;
      line.runsSinceHuman = { [to]: 1 };
    },
    apply(event: LineEvent) {
      const [labelled] = statesIn(line.labels);
      if (state === 'merged' || labelled === undefined) return;
      const result = transition(labelled, event, attemptFacts(timeline, isFactory, config));
      for (const effect of result.effects) {
        if (effect.type === 'set-state' && effect.state !== labelled)
          relabel(effect.state, 'github-actions[bot]');
        if (effect.type === 'comment') {
          timeline.push({
            kind: 'rerun',
            stage: effect.stage,
            reason: effect.reason,
            actor: 'github-actions[bot]',
            at: tick(),
          });
        }
        if (
          effect.type === 'dispatch' &&
          effect.stage !== 'scheduler' &&
          effect.stage !== 'watchdog'
        ) {
          const runs = line.runsSinceHuman;
          if (effect.stage !== labelled || result.effects.some((e) => e.type === 'comment')) {
            runs[effect.stage] = (runs[effect.stage] ?? 0) + 1;
          }
        }
      }
      state = result.next;
    },
  };
  const tick = () => new Date(++clock * 1000).toISOString();
  function relabel(to: State, actor: string) {
    for (const old of statesIn(line.labels))
      timeline.push({ kind: 'unlabeled', label: labelOf(old), actor, at: tick() });
    timeline.push({ kind: 'labeled', label: labelOf(to), actor, at: tick() });
    line.labels = withState(line.labels, to);
  }
  return line;
}

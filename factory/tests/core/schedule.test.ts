import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareQueueOrder,
  pickNext,
  type HoldCode,
  type QueuedPr,
  type ScheduleDecision,
  type ScheduleFacts,
} from '../../src/core/schedule.ts';

/** A queued PR whose spec number is its PR number unless said otherwise. */
const queued = (number: number, rest: Partial<QueuedPr> = {}): QueuedPr => ({
  number,
  specNumber: number,
  queuedAt: 1_000 * number,
  priority: 'normal',
  dependsOn: [],
  ...rest,
});

const facts = (rest: Partial<ScheduleFacts>): ScheduleFacts => ({
  queued: [],
  inFlight: [],
  mergedSpecNumbers: [],
  ...rest,
});

/** The decision in one line: the pick (or the wait code), then `#pr:code` for each held PR. */
function summarize(decision: ScheduleDecision): string {
  const head = decision.kind === 'pick' ? `pick #${decision.pick.number}` : `wait ${decision.code}`;
  return [head, ...decision.held.map((hold) => `#${hold.number}:${hold.code}`)].join(' ');
}

const CASES: readonly (readonly [string, ScheduleFacts, string])[] = [
  ['waits when nothing is queued', facts({}), 'wait queue-empty'],
  [
    'picks the PR queued first (FIFO), not the lowest PR number',
    facts({ queued: [queued(5, { queuedAt: 2 }), queued(9, { queuedAt: 1 })] }),
    'pick #9 #5:behind',
  ],
  [
    'picks higher priority before earlier queued',
    facts({ queued: [queued(1), queued(2, { priority: 'high' }), queued(3, { priority: 'low' })] }),
    'pick #2 #1:behind #3:behind',
  ],
  [
    'breaks a tie in queue time by the lower PR number',
    facts({ queued: [queued(8, { queuedAt: 7 }), queued(4, { queuedAt: 7 })] }),
    'pick #4 #8:behind',
  ],
  [
    'waits while the line is full (serial by default)',
    facts({ queued: [queued(1), queued(2)], inFlight: [{ number: 7 }] }),
    'wait line-full #1:line-full #2:line-full',
  ],
  [
    'picks while a slot is free with maxInFlight 2',
    facts({ queued: [queued(1), queued(2)], inFlight: [{ number: 7 }], maxInFlight: 2 }),
    'pick #1 #2:behind',
  ],
  [
    'never exceeds maxInFlight 2',
    facts({ queued: [queued(1)], inFlight: [{ number: 7 }, { number: 8 }], maxInFlight: 2 }),
    'wait line-full #1:line-full',
  ],
  [
    'skips a PR whose dependency is not merged',
    facts({ queued: [queued(1, { dependsOn: [4] }), queued(2)] }),
    'pick #2 #1:waiting-for-dependencies',
  ],
  [
    'picks a PR once all its dependencies are merged',
    facts({ queued: [queued(1, { dependsOn: [3, 4] })], mergedSpecNumbers: [3, 4] }),
    'pick #1',
  ],
  [
    'waits for a queued dependency to go first',
    facts({ queued: [queued(1, { dependsOn: [2], priority: 'high' }), queued(2)] }),
    'pick #2 #1:waiting-for-dependencies',
  ],
  [
    'waits when every queued PR waits for a dependency',
    facts({ queued: [queued(1, { dependsOn: [9] })] }),
    'wait nothing-eligible #1:waiting-for-dependencies',
  ],
  [
    'reports a two-spec dependency cycle instead of waiting forever',
    facts({ queued: [queued(1, { dependsOn: [2] }), queued(2, { dependsOn: [1] }), queued(3)] }),
    'pick #3 #1:dependency-cycle #2:dependency-cycle',
  ],
  [
    'reports a spec that depends on itself as a cycle',
    facts({ queued: [queued(1, { dependsOn: [1] })] }),
    'wait nothing-eligible #1:dependency-cycle',
  ],
  [
    'reports a PR that waits on a cycle as blocked by it',
    facts({
      queued: [
        queued(1, { dependsOn: [2] }),
        queued(2, { dependsOn: [3] }),
        queued(3, { dependsOn: [2] }),
      ],
    }),
    'wait nothing-eligible #1:blocked-by-cycle #2:dependency-cycle #3:dependency-cycle',
  ],
  [
    'does not see a cycle through a spec that is already merged',
    facts({
      queued: [queued(1, { dependsOn: [2] }), queued(2, { dependsOn: [1] })],
      mergedSpecNumbers: [2],
    }),
    'pick #1 #2:waiting-for-dependencies',
  ],
  [
    'reports cycles even while the line is full',
    facts({
      queued: [queued(1, { dependsOn: [1] }), queued(2)],
      inFlight: [{ number: 9 }],
    }),
    'wait line-full #1:dependency-cycle #2:line-full',
  ],
];

describe('pickNext', () => {
  it.each(CASES)('%s', (_, given, expected) => {
    expect(summarize(pickNext(given))).toBe(expected);
  });

  it('says which specs a PR waits for and where each one is', () => {
    const decision = pickNext(
      facts({
        queued: [queued(1, { dependsOn: [30, 20, 10, 40] }), queued(2, { specNumber: 20 })],
        inFlight: [{ number: 12, specNumber: 10 }],
        mergedSpecNumbers: [40],
        maxInFlight: 2,
      }),
    );

    expect(decision.held[0]).toEqual({
      number: 1,
      code: 'waiting-for-dependencies',
      waitingFor: [10, 20, 30],
      message:
        'Waiting for spec 0010 (#12, in flight), spec 0020 (#2, queued), ' +
        'spec 0030 (not queued, in flight or merged).',
    });
  });

  it('names the cycle and the PR that was picked ahead', () => {
    const decision = pickNext(
      facts({
        queued: [
          queued(1, { dependsOn: [2] }),
          queued(2, { dependsOn: [1] }),
          queued(3, { priority: 'high' }),
          queued(4, { priority: 'high' }),
        ],
      }),
    );

    expect(decision.held).toEqual([
      { number: 4, code: 'behind', behind: 3, message: 'Ready, behind #3 (queued earlier).' },
      {
        number: 1,
        code: 'dependency-cycle',
        cycle: [1, 2],
        message: 'Specs 0001, 0002 depend on each other in a cycle: none can start.',
      },
      expect.objectContaining({ number: 2, code: 'dependency-cycle', cycle: [1, 2] }),
    ]);
  });

  it('says how full the line is', () => {
    const decision = pickNext(
      facts({ queued: [queued(1)], inFlight: [{ number: 10 }, { number: 9 }], maxInFlight: 2 }),
    );

    expect(decision).toMatchObject({
      kind: 'wait',
      message: 'The line is full: 2 of 2 slots taken (#9, #10).',
      held: [{ code: 'line-full' satisfies HoldCode, inFlight: [9, 10] }],
    });
  });
});

const SPECS = 8;

const arbitraryQueued = fc.uniqueArray(
  fc.record({
    number: fc.integer({ min: 1, max: 40 }),
    specNumber: fc.integer({ min: 1, max: SPECS }),
    // A narrow range of times, so ties are common.
    queuedAt: fc.integer({ min: 0, max: 4 }),
    priority: fc.constantFrom('high', 'normal', 'low'),
    dependsOn: fc.uniqueArray(fc.integer({ min: 1, max: SPECS }), { maxLength: 3 }),
  }),
  { selector: (pr) => pr.number, maxLength: 8 },
);

const arbitraryFacts: fc.Arbitrary<ScheduleFacts> = fc.record({
  queued: arbitraryQueued,
  inFlight: fc.uniqueArray(
    fc.record({
      number: fc.integer({ min: 41, max: 50 }),
      specNumber: fc.integer({ min: 1, max: SPECS }),
    }),
    { selector: (pr) => pr.number, maxLength: 3 },
  ),
  mergedSpecNumbers: fc.uniqueArray(fc.integer({ min: 1, max: SPECS }), { maxLength: SPECS }),
  maxInFlight: fc.integer({ min: 1, max: 3 }),
});

const permutationOf = <T>(items: readonly T[]) =>
  fc.shuffledSubarray([...items], { minLength: items.length });

/** The same facts with every list in another order. */
const shuffledFacts = (given: ScheduleFacts): fc.Arbitrary<ScheduleFacts> =>
  fc.record({
    queued: permutationOf(given.queued).chain((prs) =>
      fc.tuple(
        ...prs.map((pr) => permutationOf(pr.dependsOn).map((dependsOn) => ({ ...pr, dependsOn }))),
      ),
    ),
    inFlight: permutationOf(given.inFlight),
    mergedSpecNumbers: permutationOf(given.mergedSpecNumbers),
    maxInFlight: fc.constant(given.maxInFlight ?? 1),
  });

/**
 * An independent oracle for cycles: repeatedly retire queued specs whose queued, unmerged
 * dependencies are all retired. What never retires is on a cycle or waits on one. Assumes one PR
 * per spec number, as lint guarantees (R-13: number collisions are refused).
 */
function specsStuckOnCycles(given: ScheduleFacts): Set<number> {
  const merged = new Set(given.mergedSpecNumbers);
  const stuck = new Set(given.queued.map((pr) => pr.specNumber));
  const isSettled = (pr: QueuedPr) =>
    pr.dependsOn.every((spec) => merged.has(spec) || !stuck.has(spec));
  for (let pr = given.queued.find((p) => stuck.has(p.specNumber) && isSettled(p)); pr;) {
    stuck.delete(pr.specNumber);
    pr = given.queued.find((p) => stuck.has(p.specNumber) && isSettled(p));
  }
  return stuck;
}

const withUniqueSpecs = (given: ScheduleFacts): ScheduleFacts => ({
  ...given,
  queued: given.queued.filter(
    (pr, index) => given.queued.findIndex((other) => other.specNumber === pr.specNumber) === index,
  ),
});

describe('pickNext on arbitrary facts', () => {
  it('only ever picks a PR whose dependencies are all merged, below maxInFlight', () => {
    fc.assert(
      fc.property(arbitraryFacts, (given) => {
        const decision = pickNext(given);
        if (decision.kind !== 'pick') return;

        const merged = new Set(given.mergedSpecNumbers);
        expect(decision.pick.dependsOn.every((spec) => merged.has(spec))).toBe(true);
        expect(given.inFlight.length).toBeLessThan(given.maxInFlight ?? 1);
      }),
    );
  });

  it('never picks while the line is full', () => {
    fc.assert(
      fc.property(arbitraryFacts, (given) => {
        const full = given.inFlight.length >= (given.maxInFlight ?? 1);

        if (full) expect(pickNext(given).kind).toBe('wait');
      }),
    );
  });

  it('accounts for every queued PR once: the pick, or held with a reason, in queue order', () => {
    fc.assert(
      fc.property(arbitraryFacts, (given) => {
        const decision = pickNext(given);
        const picked = decision.kind === 'pick' ? [decision.pick] : [];
        const accounted = [
          ...picked.map((pr) => pr.number),
          ...decision.held.map((hold) => hold.number),
        ];
        const inQueueOrder = [...given.queued].sort(compareQueueOrder).map((pr) => pr.number);

        expect([...accounted].sort((a, b) => a - b)).toEqual(
          inQueueOrder.slice().sort((a, b) => a - b),
        );
        expect(decision.held.map((hold) => hold.number)).toEqual(
          inQueueOrder.filter((number) => !picked.some((pr) => pr.number === number)),
        );
        for (const hold of decision.held) expect(hold.message).not.toBe('');
      }),
    );
  });

  it('picks the first eligible PR in queue order: everyone behind it comes later', () => {
    fc.assert(
      fc.property(arbitraryFacts, (given) => {
        const decision = pickNext(given);
        if (decision.kind !== 'pick') return;

        for (const hold of decision.held.filter((h) => h.code === 'behind')) {
          const other = given.queued.find((pr) => pr.number === hold.number);
          expect(other && compareQueueOrder(decision.pick, other)).toBeLessThan(0);
        }
      }),
    );
  });

  it('reports exactly the PRs stuck on a dependency cycle as such, never waiting on them', () => {
    fc.assert(
      fc.property(arbitraryFacts.map(withUniqueSpecs), (given) => {
        const stuck = specsStuckOnCycles(given);
        const decision = pickNext(given);
        const cycleCodes: readonly HoldCode[] = ['dependency-cycle', 'blocked-by-cycle'];
        const reported = decision.held.filter((hold) => cycleCodes.includes(hold.code));

        const expected = given.queued
          .filter((pr) => stuck.has(pr.specNumber))
          .map((pr) => pr.number);
        expect(reported.map((hold) => hold.number).sort((a, b) => a - b)).toEqual(
          expected.sort((a, b) => a - b),
        );
      }),
    );
  });

  it('decides the same whatever order the facts come in', () => {
    fc.assert(
      fc.property(
        arbitraryFacts.chain((given) => fc.tuple(fc.constant(given), shuffledFacts(given))),
        ([given, shuffled]) => {
          expect(summarizeFully(pickNext(shuffled))).toEqual(summarizeFully(pickNext(given)));
        },
      ),
    );
  });
});

/** Everything in a decision except the identity of the picked object. */
function summarizeFully(decision: ScheduleDecision): unknown {
  return decision.kind === 'pick' ? { ...decision, pick: decision.pick.number } : decision;
}

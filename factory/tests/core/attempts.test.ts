import { describe, expect, it } from 'vitest';
import {
  attemptFacts,
  countAttempts,
  currentAttempt,
  lastHumanMove,
  type TimelineEntry,
} from '../../src/core/attempts.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { transition } from '../../src/core/line.ts';

const BOT = 'github-actions[bot]';
const isFactory = (login: string) => login === BOT || login === 'factory-app[bot]';

let clock = 0;
const at = () => new Date(Date.UTC(2026, 0, 1) + ++clock * 1000).toISOString();
const labeled = (state: string, actor = BOT): TimelineEntry => ({
  kind: 'labeled',
  label: `state:${state}`,
  actor,
  at: at(),
});
const unlabeled = (state: string, actor = BOT): TimelineEntry => ({
  kind: 'unlabeled',
  label: `state:${state}`,
  actor,
  at: at(),
});

describe('countAttempts()', () => {
  it('counts every factory entry into a stage after the person queued the PR', () => {
    const timeline = [
      labeled('queued', 'alice'),
      labeled('plan'),
      labeled('plan-review'),
      labeled('plan'),
      labeled('plan-review'),
    ];
    expect(countAttempts(timeline, isFactory).attempts).toEqual({ plan: 2, 'plan-review': 2 });
  });

  it('restarts the count from the last move a person made (R-05)', () => {
    const timeline = [
      labeled('queued', 'alice'),
      labeled('implementation'),
      labeled('implementation-ci'),
      labeled('implementation'),
      labeled('needs-attention'),
      unlabeled('needs-attention', 'bob'),
      labeled('implementation', 'bob'),
      labeled('implementation-ci'),
    ];
    expect(countAttempts(timeline, isFactory).attempts).toEqual({
      implementation: 1,
      'implementation-ci': 1,
    });
  });

  it('R-05: restarts no count for a label the line turned away (set without write permission)', () => {
    const looped = [
      labeled('queued', 'alice'),
      labeled('implementation'),
      labeled('implementation-ci'),
      labeled('implementation'),
      labeled('implementation-ci'),
      labeled('implementation'),
      labeled('implementation-ci'),
    ];
    // On top of the PR's state label, and removed on its own by the route job.
    const turnedAway = [labeled('merge', 'tom'), unlabeled('merge')];

    expect(countAttempts([...looped, ...turnedAway], isFactory).attempts).toMatchObject({
      implementation: 3,
    });
  });

  it('still counts a person’s move that replaced the state label, and one the line carried on from', () => {
    const timeline = [
      labeled('queued', 'alice'),
      unlabeled('queued'),
      labeled('implementation'),
      unlabeled('implementation'),
      labeled('implementation'),
      unlabeled('implementation', 'bob'),
      labeled('implementation-ci', 'bob'),
      unlabeled('implementation-ci'),
      labeled('implementation'),
    ];

    expect(countAttempts(timeline, isFactory).attempts).toEqual({
      'implementation-ci': 1,
      implementation: 1,
    });
  });

  it('ignores labels that are not state labels when finding the last human move', () => {
    const timeline: TimelineEntry[] = [
      labeled('queued', 'alice'),
      labeled('plan'),
      { kind: 'labeled', label: 'bug', actor: 'carol', at: at() },
    ];
    expect(lastHumanMove(timeline, isFactory)).toBe(0);
    expect(countAttempts(timeline, isFactory).attempts).toEqual({ plan: 1 });
  });

  it('counts re-runs in place, which leave no label trace, from the factory notes', () => {
    const timeline: TimelineEntry[] = [
      labeled('queued', 'alice'),
      labeled('plan'),
      { kind: 'rerun', stage: 'plan', reason: 'invalid-output', actor: BOT, at: at() },
      { kind: 'rerun', stage: 'plan', reason: 'no-submission', actor: BOT, at: at() },
    ];
    expect(countAttempts(timeline, isFactory).attempts).toEqual({ plan: 3 });
  });

  it('R-05: counts a note posted twice by one retried write once, and two writes of one note twice', () => {
    const rerun = (write: string): TimelineEntry => ({
      kind: 'rerun',
      stage: 'plan',
      reason: 'invalid-output',
      write,
      actor: BOT,
      at: at(),
    });
    const timeline = [
      labeled('queued', 'alice'),
      labeled('plan'),
      rerun('a1b2c3'),
      rerun('a1b2c3'),
    ];
    expect(countAttempts(timeline, isFactory).attempts).toEqual({ plan: 2 });
    expect(countAttempts([...timeline, rerun('d4e5f6')], isFactory).attempts).toEqual({ plan: 3 });
    const acrossAMove = [...timeline.slice(0, 3), labeled('plan', 'alice'), rerun('a1b2c3')];
    expect(countAttempts(acrossAMove, isFactory).attempts).toEqual({ plan: 1 });
  });

  it('ignores notes written by anyone but the factory, so a comment cannot forge attempts', () => {
    const timeline: TimelineEntry[] = [
      labeled('queued', 'alice'),
      labeled('plan'),
      { kind: 'rerun', stage: 'plan', reason: 'invalid-output', actor: 'mallory', at: at() },
    ];
    expect(countAttempts(timeline, isFactory).attempts).toEqual({ plan: 1 });
  });

  it('counts conflict returns separately from attempts (R-18)', () => {
    const timeline: TimelineEntry[] = [
      labeled('merge', 'alice'),
      { kind: 'rerun', stage: 'implementation', reason: 'conflict', actor: BOT, at: at() },
      labeled('implementation'),
    ];
    expect(countAttempts(timeline, isFactory)).toEqual({
      attempts: { merge: 1, implementation: 1 },
      conflictReturns: 1,
    });
  });

  it('counts the person’s own move into a working stage as its first attempt', () => {
    const facts = attemptFacts([labeled('code-review', 'alice')], isFactory, defaultConfig());
    expect(currentAttempt(facts, 'code-review')).toBe(1);
    expect(currentAttempt(facts, 'plan')).toBe(1);
  });

  it('recognises the App identity as the factory too', () => {
    const timeline = [labeled('queued', 'alice'), labeled('plan', 'factory-app[bot]')];
    expect(countAttempts(timeline, isFactory).attempts).toEqual({ plan: 1 });
  });
});

describe('attempt counting drives the retry bound end to end (R-05)', () => {
  it('parks an always-rejecting plan review after the configured retries, and a relabel restarts it', () => {
    const config = defaultConfig();
    const timeline: TimelineEntry[] = [labeled('queued', 'alice'), labeled('plan')];
    const rejections: string[] = [];
    for (let round = 0; round < 5; round += 1) {
      timeline.push(labeled('plan-review'));
      const result = transition(
        'plan-review',
        { type: 'plan-changes-requested' },
        attemptFacts(timeline, isFactory, config),
      );
      rejections.push(result.next);
      if (result.next !== 'plan') break;
      timeline.push(labeled('plan'));
    }
    expect(rejections).toEqual(['plan', 'plan', 'needs-attention']);

    timeline.push(labeled('needs-attention'), labeled('plan', 'alice'), labeled('plan-review'));
    const afterRelabel = transition(
      'plan-review',
      { type: 'plan-changes-requested' },
      attemptFacts(timeline, isFactory, config),
    );
    expect(afterRelabel.next).toBe('plan');
  });
});

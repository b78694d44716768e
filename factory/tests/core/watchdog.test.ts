import { describe, expect, it } from 'vitest';
import { attemptFacts, type TimelineEntry } from '../../src/core/attempts.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { transition, type RerunReason } from '../../src/core/line.ts';
import type { PullRequestSnapshot } from '../../src/core/ports.ts';
import { EMPTY_LEDGER, recordPark, renderStatus } from '../../src/core/status.ts';
import type { WorkingState } from '../../src/core/states.ts';
import {
  crashEvent,
  hasActiveRun,
  isPastLimit,
  stageInStatus,
  stageStart,
  triage,
} from '../../src/core/watchdog.ts';

const BOT = 'github-actions[bot]';
const isFactory = (login: string) => login === BOT;
const config = defaultConfig();

let clock = 0;
const at = () => new Date(Date.UTC(2026, 0, 1) + ++clock * 60_000).toISOString();
const labeled = (state: string, actor = BOT): TimelineEntry => ({
  kind: 'labeled',
  label: `state:${state}`,
  actor,
  at: at(),
});
const rerun = (stage: WorkingState, reason: RerunReason, actor = BOT): TimelineEntry => ({
  kind: 'rerun',
  stage,
  reason,
  actor,
  at: at(),
});

const pr = (labels: string[], init: Partial<PullRequestSnapshot> = {}): PullRequestSnapshot => ({
  number: 7,
  title: 'Spec 7',
  body: '',
  open: true,
  merged: false,
  draft: false,
  headSha: 'sha-1',
  headRef: 'spec/7',
  baseRef: 'main',
  author: 'alice',
  isFork: false,
  labels,
  ...init,
});

describe('triage()', () => {
  it('watches a PR with exactly one working state label', () => {
    expect(triage(pr(['bug', 'state:plan-review']))).toEqual({
      kind: 'watch',
      stage: 'plan-review',
    });
  });

  it.each(['state:queued', 'state:needs-attention'])('leaves a PR at %s alone', (label) => {
    expect(triage(pr([label]))).toMatchObject({ kind: 'leave' });
  });

  it('leaves a fork PR alone, whatever its labels', () => {
    expect(triage(pr(['state:plan', 'state:merge'], { isFork: true }))).toMatchObject({
      kind: 'leave',
    });
  });

  it('names every state label of a PR that carries several (R-04)', () => {
    expect(triage(pr(['state:plan', 'state:needs-attention']))).toEqual({
      kind: 'label-conflict',
      detail: 'The PR carried `state:plan`, `state:needs-attention` at once.',
    });
  });

  it('marks a PR with no state label as unlabelled, ignoring look-alike labels', () => {
    expect(triage(pr(['state:unknown', 'states:plan']))).toEqual({ kind: 'unlabelled' });
  });
});

describe('stageInStatus()', () => {
  it('reads the working state a status comment shows (R-04)', () => {
    expect(stageInStatus(renderStatus('implementation', EMPTY_LEDGER))).toBe('implementation');
  });

  it('reads no stage from a parked, queued or merged status, a stranger text or none', () => {
    const parked = recordPark(EMPTY_LEDGER, { reason: 'conflict', detail: 'x' });
    expect(stageInStatus(renderStatus('needs-attention', parked))).toBeUndefined();
    expect(stageInStatus(renderStatus('queued', EMPTY_LEDGER))).toBeUndefined();
    expect(stageInStatus(renderStatus('merged', EMPTY_LEDGER))).toBeUndefined();
    expect(stageInStatus('see ### 🏭 Factory status: `state:plan` above')).toBeUndefined();
    expect(stageInStatus(undefined)).toBeUndefined();
  });
});

describe('stageStart()', () => {
  it('is the latest time the stage label was set, by anyone, naming the person who set it', () => {
    const entered = labeled('plan', 'alice');
    const timeline = [labeled('queued', 'alice'), labeled('plan'), labeled('plan-review'), entered];
    expect(stageStart(timeline, 'plan', isFactory)).toEqual({
      at: entered.at,
      afterCrash: false,
      labelledBy: 'alice',
    });
    const byLine = labeled('plan');
    expect(stageStart([entered, byLine], 'plan', isFactory)).toEqual({
      at: byLine.at,
      afterCrash: false,
    });
  });

  it('is the factory’s re-run note when that is newer, and says when it re-ran a crash', () => {
    const note = rerun('plan', 'stage-crashed');
    expect(stageStart([labeled('plan'), note], 'plan', isFactory)).toEqual({
      at: note.at,
      afterCrash: true,
    });
    const other = rerun('plan', 'invalid-output');
    expect(stageStart([labeled('plan'), note, other], 'plan', isFactory)).toEqual({
      at: other.at,
      afterCrash: false,
    });
  });

  it('ignores notes for other stages and notes written by people', () => {
    const entered = labeled('merge');
    const timeline = [
      entered,
      rerun('plan', 'stage-crashed'),
      rerun('merge', 'stage-crashed', 'mallory'),
    ];
    expect(stageStart(timeline, 'merge', isFactory)).toEqual({ at: entered.at, afterCrash: false });
  });

  it('is undefined when the timeline never shows the stage starting', () => {
    expect(stageStart([labeled('queued', 'alice')], 'plan', isFactory)).toBeUndefined();
  });
});

describe('isPastLimit()', () => {
  const start = '2026-01-01T00:00:00.000Z';
  it('is true only once more than the limit has passed', () => {
    expect(isPastLimit(start, new Date('2026-01-01T00:45:00.000Z'), 45)).toBe(false);
    expect(isPastLimit(start, new Date('2026-01-01T00:45:01.000Z'), 45)).toBe(true);
  });

  it('never calls an unreadable time a stall', () => {
    expect(isPastLimit('yesterday-ish', new Date('2030-01-01T00:00:00Z'), 1)).toBe(false);
  });
});

describe('hasActiveRun()', () => {
  const run = (pr: number | undefined) => ({ pr, status: 'in_progress', createdAt: at() });
  it('finds a run for this PR, and counts a run that names no PR as possibly this one', () => {
    expect(hasActiveRun([run(8), run(7)], 7)).toBe(true);
    expect(hasActiveRun([run(undefined)], 7)).toBe(true);
    expect(hasActiveRun([run(8), run(70)], 7)).toBe(false);
    expect(hasActiveRun([], 7)).toBe(false);
  });
});

describe('crashEvent() with transition() (R-03)', () => {
  it('re-runs a first crash in place, with a note and a dispatch and no label move', () => {
    const timeline = [labeled('queued', 'alice'), labeled('plan')];
    const start = stageStart(timeline, 'plan', isFactory);
    if (start === undefined) throw new Error('no start');
    const facts = attemptFacts(timeline, isFactory, config);
    expect(transition('plan', crashEvent(start), facts)).toEqual({
      next: 'plan',
      effects: [
        { type: 'comment', stage: 'plan', reason: 'stage-crashed' },
        { type: 'dispatch', stage: 'plan' },
      ],
    });
  });

  it('parks a second consecutive crash even though the stage has attempts left', () => {
    const timeline = [labeled('queued', 'alice'), labeled('plan'), rerun('plan', 'stage-crashed')];
    const start = stageStart(timeline, 'plan', isFactory);
    if (start === undefined) throw new Error('no start');
    const counted = attemptFacts(timeline, isFactory, config);
    expect(counted.attempts.plan).toBeLessThan(counted.maxAttempts.plan ?? 0);
    const next = transition('plan', crashEvent(start), counted);
    expect(next.next).toBe('needs-attention');
    expect(next.effects[0]).toMatchObject({
      type: 'park',
      reason: 'stage-crashed',
      detail: 'The plan stage stopped without finishing, and so did its re-run.',
    });
  });

  it('re-runs a crash after a re-run for another reason, while attempts remain', () => {
    const timeline = [labeled('plan'), rerun('plan', 'no-submission')];
    const start = stageStart(timeline, 'plan', isFactory);
    if (start === undefined) throw new Error('no start');
    const next = transition('plan', crashEvent(start), attemptFacts(timeline, isFactory, config));
    expect(next).toMatchObject({ next: 'plan', effects: [{ reason: 'stage-crashed' }, {}] });
  });
});

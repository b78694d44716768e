import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../src/core/attempts.ts';
import { describeHold, holdOn, type Withdrawal } from '../../src/core/hold.ts';
import { UNKNOWN_COMMIT } from '../../src/core/ports.ts';

const FACTORY = 'github-actions[bot]';
const isFactory = (login: string) => login === FACTORY;
const AT = '2026-11-28T10:00:00Z';

const move = (kind: 'labeled' | 'unlabeled', label: string, actor: string): TimelineEntry => ({
  kind,
  label,
  actor,
  at: AT,
});

const withdrawal = (actor: string, message = 'Not yet.', sha = 'abcdef1234567890'): Withdrawal => ({
  kind: 'approval-withdrawn',
  sha,
  message,
  actor,
  at: AT,
});

describe('a person’s withdrawal of the line’s approval holds the PR', () => {
  it('holds it, with nobody having moved it since, when it came after every move', () => {
    const held = withdrawal('ada');
    const timeline = [
      move('labeled', 'state:queued', 'ada'),
      move('labeled', 'state:merge', FACTORY),
    ];

    expect(holdOn([...timeline, held], isFactory)).toEqual({ withdrawal: held, labelledSince: [] });
  });

  it('names each person who set a state label since, once, for the merge to ask who may lift it', () => {
    const timeline = [
      withdrawal('ada'),
      move('labeled', 'state:code-review', 'bob'),
      move('labeled', 'state:merge', FACTORY),
      move('labeled', 'state:code-review', 'bob'),
    ];

    expect(holdOn(timeline, isFactory)?.labelledSince).toEqual(['bob']);
  });

  it('counts no label taken off, no park by hand, no label that is not a state, and none the line set', () => {
    const timeline = [
      withdrawal('ada'),
      move('unlabeled', 'state:merge', 'bob'),
      move('labeled', 'state:needs-attention', 'bob'),
      move('labeled', 'priority', 'bob'),
      move('labeled', 'state:needs-attention', FACTORY),
    ];

    expect(holdOn(timeline, isFactory)?.labelledSince).toEqual([]);
  });

  it('is the latest withdrawal: one after a resume holds the PR again', () => {
    const latest = withdrawal('cy', 'Again, no.');
    const timeline = [withdrawal('ada'), move('labeled', 'state:code-review', 'bob'), latest];

    expect(holdOn(timeline, isFactory)).toEqual({ withdrawal: latest, labelledSince: [] });
  });

  it('takes no withdrawal by the factory’s own identity as a hold', () => {
    expect(holdOn([withdrawal(FACTORY)], isFactory)).toBe(undefined);
  });

  it('names who and quotes why on one line, clipped', () => {
    const hold = (message: string, sha?: string) => ({
      withdrawal: withdrawal('ada', message, sha),
      labelledSince: [],
    });
    expect(describeHold(hold('Wait for\n\nthe release.'))).toBe(
      "ada dismissed the line's approval of abcdef1, saying “Wait for the release.”; the line holds the PR until a person with write permission sets its state label again.",
    );
    expect(describeHold(hold('x'.repeat(500)))).toContain(`“${'x'.repeat(199)}…”`);
    expect(describeHold(hold('No.', UNKNOWN_COMMIT))).toContain(
      'approval of a commit GitHub no longer knows, saying',
    );
  });
});

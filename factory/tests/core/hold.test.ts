import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../src/core/attempts.ts';
import { describeHold, holdOn, type Hold } from '../../src/core/hold.ts';

const FACTORY = 'github-actions[bot]';
const isFactory = (login: string) => login === FACTORY;

const labeled = (label: string, actor: string): TimelineEntry => ({
  kind: 'labeled',
  label,
  actor,
  at: '2026-11-28T10:00:00Z',
});

const dismissal = (actor: string, message = 'Not yet.'): Hold => ({
  kind: 'approval-dismissed',
  sha: 'abcdef1234567890',
  message,
  actor,
  at: '2026-11-28T10:00:00Z',
});

describe('a person’s dismissal of the line’s approval holds the PR', () => {
  it('holds it when the dismissal came after the last move by a person', () => {
    const timeline = [labeled('state:queued', 'ada'), labeled('state:merge', FACTORY)];
    const held = dismissal('ada');

    expect(holdOn([...timeline, held], isFactory)).toEqual(held);
  });

  it('lets go once a person sets a state label after it', () => {
    expect(holdOn([dismissal('ada'), labeled('state:code-review', 'ada')], isFactory)).toBe(
      undefined,
    );
  });

  it('is not lifted by the line’s own moves, or by a label that is not a state', () => {
    const held = dismissal('ada');
    const timeline = [held, labeled('state:merge', FACTORY), labeled('priority', 'ada')];

    expect(holdOn(timeline, isFactory)).toEqual(held);
  });

  it('takes no dismissal by the factory’s own identity as a hold', () => {
    expect(holdOn([dismissal(FACTORY)], isFactory)).toBe(undefined);
  });

  it('names who and quotes why on one line, clipped', () => {
    expect(describeHold(dismissal('ada', 'Wait for\n\nthe release.'))).toBe(
      "ada dismissed the line's approval of abcdef1, saying “Wait for the release.”; the line holds the PR until a person sets its state label again.",
    );
    expect(describeHold(dismissal('ada', 'x'.repeat(500)))).toContain(`“${'x'.repeat(199)}…”`);
  });
});

import { describe, expect, it } from 'vitest';
import type { Permission } from '../../src/core/guardrails.ts';
import { route, type Trigger } from '../../src/core/routing.ts';

const isFactory = (login: string) => login === 'github-actions[bot]';

const labelEvent = (
  label: string,
  overrides: {
    sender?: string;
    permission?: Permission;
    isFork?: boolean;
    open?: boolean;
    action?: 'labeled' | 'unlabeled';
    labels?: string[];
  } = {},
): Trigger => ({
  kind: 'label',
  action: overrides.action ?? 'labeled',
  label,
  pr: {
    number: 7,
    open: overrides.open ?? true,
    isFork: overrides.isFork ?? false,
    labels: overrides.labels ?? [label],
  },
  sender: overrides.sender ?? 'alice',
  senderPermission: overrides.permission ?? 'write',
});

describe('route()', () => {
  it('runs the scheduler when a writer queues a PR', () => {
    expect(route(labelEvent('state:queued'), isFactory)).toEqual({
      action: 'run',
      stage: 'scheduler',
      pr: 7,
    });
  });

  it.each(['plan', 'plan-review', 'implementation', 'implementation-ci', 'code-review', 'merge'])(
    'runs the %s stage when a person moves the PR there (resume)',
    (stage) => {
      expect(route(labelEvent(`state:${stage}`), isFactory)).toEqual({
        action: 'run',
        stage,
        pr: 7,
      });
    },
  );

  it.each(['queued', 'plan', 'code-review'])(
    'resumes at %s when a writer sets its label on a parked PR: the park comes off first',
    (state) => {
      const labels = ['state:needs-attention', `state:${state}`];
      expect(route(labelEvent(`state:${state}`, { labels }), isFactory)).toEqual({
        action: 'resume',
        stage: state === 'queued' ? 'scheduler' : state,
        pr: 7,
        label: `state:${state}`,
      });
    },
  );

  it('refuses a state label on a parked PR from someone without write permission (R-12)', () => {
    const labels = ['state:needs-attention', 'state:plan'];
    expect(
      route(labelEvent('state:plan', { labels, permission: 'triage' }), isFactory),
    ).toMatchObject({ action: 'refuse', code: 'not-a-writer' });
  });

  it('skips label events caused by the factory itself (R-01: it dispatches explicitly)', () => {
    expect(
      route(labelEvent('state:plan', { sender: 'github-actions[bot]' }), isFactory),
    ).toMatchObject({
      action: 'skip',
    });
  });

  it('skips labels that are not state labels, removals, closed PRs and a person parking a PR', () => {
    for (const trigger of [
      labelEvent('bug'),
      labelEvent('state:plan', { action: 'unlabeled' }),
      labelEvent('state:plan', { open: false }),
      labelEvent('state:needs-attention'),
    ]) {
      expect(route(trigger, isFactory)).toMatchObject({
        action: 'skip',
        reason: expect.any(String),
      });
    }
  });

  it('refuses a PR from a fork before any stage runs (R-12)', () => {
    expect(route(labelEvent('state:queued', { isFork: true }), isFactory)).toMatchObject({
      action: 'refuse',
      code: 'fork-pr',
      pr: 7,
      label: 'state:queued',
    });
  });

  it.each<Permission>(['read', 'triage', 'none'])(
    'refuses a state label set by a user with %s permission (R-12)',
    (permission) => {
      expect(
        route(labelEvent('state:queued', { sender: 'eve', permission }), isFactory),
      ).toMatchObject({
        action: 'refuse',
        code: 'not-a-writer',
        reason: expect.stringContaining('@eve'),
      });
    },
  );

  it('runs a dispatched stage with the PR and the head SHA it expects', () => {
    expect(
      route({ kind: 'dispatch', stage: 'code-review', pr: 3, expectedHeadSha: 'abc' }, isFactory),
    ).toEqual({ action: 'run', stage: 'code-review', pr: 3, expectedHeadSha: 'abc' });
  });

  it('runs the scheduled workflows on their tick', () => {
    expect(route({ kind: 'schedule', stage: 'watchdog' }, isFactory)).toEqual({
      action: 'run',
      stage: 'watchdog',
    });
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import type { Permission } from '../../src/core/guardrails.ts';
import type { Trigger } from '../../src/core/routing.ts';
import { routeEvent } from '../../src/stages/route-event.ts';
import { createFakeGitHub, FACTORY_LOGIN, type FakeGitHub } from '../fakes/fake-github.ts';

let github: FakeGitHub;

beforeEach(() => {
  github = createFakeGitHub();
  github.openPullRequest(7, { state: 'queued', headSha: 'head-a' });
  github.factorySets(7, 'plan');
});

function labelled(
  label: string,
  sender: string,
  senderPermission: Permission,
  pr: { isFork?: boolean; open?: boolean; labels?: string[] } = {},
): Trigger {
  return {
    kind: 'label',
    action: 'labeled',
    label,
    pr: {
      number: 7,
      open: pr.open ?? true,
      isFork: pr.isFork ?? false,
      labels: pr.labels ?? [label],
    },
    sender,
    senderPermission,
  };
}

describe('routing an event to a stage', () => {
  it('R-12: turns away a fork PR’s state label: the label removed, one explanatory comment, nothing runs', async () => {
    const decision = await routeEvent(
      github.port,
      'plan',
      labelled('state:plan', 'alice', 'admin', { isFork: true }),
    );

    expect(decision).toMatchObject({ kind: 'skip' });
    expect(github.writes.map((write) => write.verb)).toEqual(['removeLabel', 'comment']);
    expect(github.writes[0]).toEqual({ verb: 'removeLabel', pr: 7, label: 'state:plan' });
    const [note] = github.commentsOn(7);
    expect(note?.body).toContain('(`fork-pr`)');
    expect(note?.body).toContain('The `state:plan` label was removed and no stage ran.');
    expect(github.writes.some((write) => write.verb === 'dispatch')).toBe(false);
  });

  it.each(['read', 'triage', 'none'] as const)(
    'R-12: turns away a state label set by someone with %s permission, with one comment that names them',
    async (permission) => {
      const decision = await routeEvent(
        github.port,
        'plan',
        labelled('state:plan', 'mallory', permission),
      );

      expect(decision).toMatchObject({ kind: 'skip' });
      expect(github.writes.map((write) => write.verb)).toEqual(['removeLabel', 'comment']);
      expect(github.commentsOn(7)).toHaveLength(1);
      expect(github.commentsOn(7)[0]?.body).toContain('(`not-a-writer`)');
      expect(github.commentsOn(7)[0]?.body).toContain(`@mallory has ${permission} permission`);
      expect(github.stateOf(7)).toEqual([]);
    },
  );

  it('skips the factory’s own label writes with zero writes (it dispatches the next stage itself, R-01)', async () => {
    const decision = await routeEvent(
      github.port,
      'plan',
      labelled('state:plan', FACTORY_LOGIN, 'write'),
    );

    expect(decision).toEqual({
      kind: 'skip',
      reason: 'state:plan was set by the factory itself.',
    });
    expect(github.writes).toEqual([]);
  });

  it('proceeds for a person’s label for this stage, with the PR’s current head', async () => {
    github.pushTo(7, 'head-b');

    const decision = await routeEvent(
      github.port,
      'plan',
      labelled('state:plan', 'alice', 'write'),
    );

    expect(decision).toEqual({ kind: 'proceed', pr: 7, expectedHeadSha: 'head-b' });
    expect(github.writes).toEqual([]);
  });

  it('resumes a parked PR whose stage label a writer set before taking the park off: the line takes the park off, and the stage proceeds', async () => {
    github.factorySets(7, 'needs-attention');
    github.personAdds(7, 'state:implementation');

    const decision = await routeEvent(
      github.port,
      'implementation',
      labelled('state:implementation', 'alice', 'write', {
        labels: ['state:needs-attention', 'state:implementation'],
      }),
    );

    expect(decision).toEqual({ kind: 'proceed', pr: 7, expectedHeadSha: 'head-a' });
    expect(github.writes).toEqual([{ verb: 'removeLabel', pr: 7, label: 'state:needs-attention' }]);
    expect(github.stateOf(7)).toEqual(['implementation']);
  });

  it('takes no park off when the PR no longer carries the label the writer set: they took it back before the route job ran', async () => {
    github.factorySets(7, 'needs-attention');

    const decision = await routeEvent(
      github.port,
      'implementation',
      labelled('state:implementation', 'alice', 'write', {
        labels: ['state:needs-attention', 'state:implementation'],
      }),
    );

    expect(decision).toEqual({
      kind: 'skip',
      reason: 'PR #7 no longer carries just state:needs-attention and state:implementation',
    });
    expect(github.writes).toEqual([]);
    expect(github.stateOf(7)).toEqual(['needs-attention']);
  });

  it('skips a person’s label meant for another stage', async () => {
    const decision = await routeEvent(
      github.port,
      'implementation',
      labelled('state:plan', 'alice', 'write'),
    );

    expect(decision).toEqual({
      kind: 'skip',
      reason: 'the event is for the plan stage, not implementation',
    });
    expect(github.writes).toEqual([]);
  });

  it('proceeds for a dispatch of this stage at the head the PR still has', async () => {
    github.factorySets(7, 'implementation-ci');

    const decision = await routeEvent(github.port, 'implementation-ci', {
      kind: 'dispatch',
      stage: 'implementation-ci',
      pr: 7,
      expectedHeadSha: 'head-a',
    });

    expect(decision).toEqual({ kind: 'proceed', pr: 7, expectedHeadSha: 'head-a' });
  });

  it('R-02: skips a CI dispatch for a PR no longer in the stage, with zero writes', async () => {
    github.factorySets(7, 'code-review');

    const decision = await routeEvent(github.port, 'implementation-ci', {
      kind: 'dispatch',
      stage: 'implementation-ci',
      pr: 7,
      expectedHeadSha: 'head-a',
    });

    expect(decision).toEqual({
      kind: 'skip',
      reason: 'PR #7 is no longer in state:implementation-ci (now state:code-review)',
    });
    expect(github.writes).toEqual([]);
  });

  it('R-02: skips a CI dispatch made for another head, with zero writes', async () => {
    github.factorySets(7, 'implementation-ci');
    github.pushTo(7, 'head-b');

    const decision = await routeEvent(github.port, 'implementation-ci', {
      kind: 'dispatch',
      stage: 'implementation-ci',
      pr: 7,
      expectedHeadSha: 'head-a',
    });

    expect(decision).toEqual({ kind: 'skip', reason: 'PR #7 head moved from head-a to head-b' });
    expect(github.writes).toEqual([]);
  });

  it('leaves an agent stage’s dispatch to the agent job’s own reading of the PR (R-02 there), reading nothing itself', async () => {
    github.factorySets(7, 'plan-review');
    const reads: string[] = [];
    const counting = {
      ...github.port,
      readPullRequest: (pr: number) => {
        reads.push(`pull request #${String(pr)}`);
        return github.port.readPullRequest(pr);
      },
      readConversation: (pr: number) => {
        reads.push(`conversation #${String(pr)}`);
        return github.port.readConversation(pr);
      },
    };

    const decision = await routeEvent(counting, 'plan', {
      kind: 'dispatch',
      stage: 'plan',
      pr: 7,
      expectedHeadSha: 'head-a',
    });

    expect(decision).toEqual({ kind: 'proceed', pr: 7, expectedHeadSha: 'head-a' });
    expect(reads).toEqual([]);
    expect(github.writes).toEqual([]);
  });

  it('skips a dispatch for a PR that does not exist, and one without a PR number', async () => {
    const missing = await routeEvent(github.port, 'plan', {
      kind: 'dispatch',
      stage: 'plan',
      pr: 99,
    });
    expect(missing).toEqual({ kind: 'skip', reason: 'the pull request no longer exists' });
    expect(await routeEvent(github.port, 'plan', { kind: 'dispatch', stage: 'plan' })).toEqual({
      kind: 'skip',
      reason: 'plan needs a PR number',
    });
    expect(github.writes).toEqual([]);
  });

  it('runs the scheduler on its schedule without a PR', async () => {
    expect(
      await routeEvent(github.port, 'scheduler', { kind: 'schedule', stage: 'scheduler' }),
    ).toEqual({ kind: 'proceed' });
    expect(github.writes).toEqual([]);
  });
});

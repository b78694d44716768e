import { beforeEach, describe, expect, it } from 'vitest';
import { countAttempts } from '../../src/core/attempts.ts';
import { transition } from '../../src/core/line.ts';
import { EMPTY_LEDGER, parseLedger, recordAttempt } from '../../src/core/status.ts';
import { carryOut } from '../../src/stages/carry-out.ts';
import { createFakeGitHub, type FakeGitHub } from '../fakes/fake-github.ts';

let github: FakeGitHub;
const ledger = recordAttempt(EMPTY_LEDGER, 'plan', {
  result: 'plan committed',
  tokens: 100,
  dollars: 0.01,
  day: '2026-11-27',
});

beforeEach(() => {
  github = createFakeGitHub();
  github.openPullRequest(7, { state: 'plan', labels: ['enhancement'] });
});

const run = (
  from: Parameters<typeof transition>[0],
  event: Parameters<typeof transition>[1],
  headSha = 'head-7-1',
) =>
  carryOut({
    github: github.port,
    pr: github.pull(7),
    from,
    transition: transition(from, event),
    ledger,
    headSha,
  });

describe('carryOut()', () => {
  it('writes the status, then the label, then dispatches the next stage with the head it expects', async () => {
    const result = await run('plan', { type: 'plan-submitted' }, 'head-7-2');
    expect(result).toEqual({ kind: 'done', next: 'plan-review' });
    expect(github.writes.map((w) => w.verb)).toEqual([
      'writeStatusComment',
      'setState',
      'dispatch',
    ]);
    expect(github.writes.at(-1)).toEqual({
      verb: 'dispatch',
      stage: 'plan-review',
      inputs: { pr: 7, expectedHeadSha: 'head-7-2' },
    });
    expect(github.pull(7).labels).toEqual(['enhancement', 'state:plan-review']);
  });

  it('keeps one status comment per PR, updated in place', async () => {
    await run('plan', { type: 'plan-submitted' });
    github.personSets(7, 'plan');
    await run('plan', { type: 'plan-submitted' });
    expect(github.commentsOn(7)).toHaveLength(1);
    expect(parseLedger(github.commentsOn(7)[0]?.body).stages.plan?.result).toBe('plan committed');
  });

  it('stands down and writes nothing when a person relabelled the PR meanwhile (R-19)', async () => {
    const pr = github.pull(7);
    github.personSets(7, 'needs-attention');
    const result = await carryOut({
      github: github.port,
      pr,
      from: 'plan',
      transition: transition('plan', { type: 'plan-submitted' }),
      ledger,
      headSha: pr.headSha,
    });
    expect(result).toMatchObject({
      kind: 'stood-down',
      reason: expect.stringContaining('no longer in state:plan'),
    });
    expect(github.writes).toEqual([]);
  });

  it('stands down and writes nothing when the head moved meanwhile (R-02)', async () => {
    const pr = github.pull(7);
    github.pushTo(7, 'head-7-9');
    const result = await carryOut({
      github: github.port,
      pr,
      from: 'plan',
      transition: transition('plan', { type: 'plan-submitted' }),
      ledger,
      headSha: pr.headSha,
    });
    expect(result).toMatchObject({
      kind: 'stood-down',
      reason: expect.stringContaining('head moved'),
    });
    expect(github.writes).toEqual([]);
  });

  it('parks with the reason and how to resume in the status comment, and dispatches nothing', async () => {
    await run('plan', {
      type: 'blocked',
      reason: 'budget-spent',
      detail: 'The session used 40 of 40 turns.',
    });
    expect(github.stateOf(7)).toEqual(['needs-attention']);
    expect(github.writes.some((w) => w.verb === 'dispatch')).toBe(false);
    const body = github.commentsOn(7)[0]?.body ?? '';
    expect(body).toContain('Parked: Budget spent (`budget-spent`) in plan');
    expect(body).toContain('The session used 40 of 40 turns.');
    expect(body).toContain('**How to resume:**');
  });

  it('notes a re-run in the timeline so the attempt counter sees it (ADR 0002)', async () => {
    const facts = { attempts: { plan: 1 }, maxAttempts: { plan: 3 }, conflictReturns: 0 };
    await carryOut({
      github: github.port,
      pr: github.pull(7),
      from: 'plan',
      transition: transition('plan', { type: 'attempt-failed', reason: 'invalid-output' }, facts),
      ledger,
      headSha: 'head-7-1',
    });
    const timeline = await github.port.readTimeline(7);
    expect(timeline.at(-1)).toMatchObject({
      kind: 'rerun',
      stage: 'plan',
      reason: 'invalid-output',
    });
    expect(github.writes.at(-1)).toMatchObject({ verb: 'dispatch', stage: 'plan' });
  });

  it('R-05: names each re-run note it writes, so a transition GitHub applied twice counts one attempt', async () => {
    const facts = { attempts: { plan: 1 }, maxAttempts: { plan: 3 }, conflictReturns: 0 };
    const failed = transition('plan', { type: 'attempt-failed', reason: 'invalid-output' }, facts);
    const recorded: Parameters<typeof github.port.recordTransition>[1][] = [];
    const replaying = {
      ...github.port,
      // A 5xx after GitHub applied the mutation: the retry plugin sends the same request again.
      recordTransition: async (pr: number, record: (typeof recorded)[number]) => {
        recorded.push(record);
        await github.port.recordTransition(pr, record);
        await github.port.recordTransition(pr, record);
      },
    };
    const carry = () =>
      carryOut({
        github: replaying,
        pr: github.pull(7),
        from: 'plan',
        transition: failed,
        ledger,
        headSha: 'head-7-1',
      });

    await carry();
    await carry();

    const [first, second] = recorded.map((record) => record.notes[0] ?? '');
    expect(first).toMatch(
      /^<!-- factory:rerun stage=plan reason=invalid-output write=[0-9a-f]{12} -->/,
    );
    expect(second).not.toBe(first);
    const timeline = await github.port.readTimeline(7);
    expect(timeline.filter((entry) => entry.kind === 'rerun')).toHaveLength(4);
    expect(
      countAttempts(timeline, (login) => github.port.isFactoryActor(login)).attempts.plan,
    ).toBe(3);
  });

  it('reports a refused merge and writes nothing announcing it: no status, label or dispatch (R-06)', async () => {
    github.personSets(7, 'merge');
    const result = await carryOut({
      github: github.port,
      pr: github.pull(7),
      from: 'merge',
      transition: transition('merge', { type: 'merge-ready', sha: 'an-older-sha' }),
      ledger,
      headSha: 'head-7-1',
    });
    expect(result).toMatchObject({ kind: 'merge-refused', result: { reason: 'head-moved' } });
    expect(github.pull(7).merged).toBe(false);
    expect(github.writes.map((w) => w.verb)).toEqual(['mergeExactly']);
  });

  it('merges the exact SHA and hands over to the scheduler', async () => {
    github.personSets(7, 'merge');
    const result = await carryOut({
      github: github.port,
      pr: github.pull(7),
      from: 'merge',
      transition: transition('merge', { type: 'merge-ready', sha: 'head-7-1' }),
      ledger,
      headSha: 'head-7-1',
    });
    expect(result).toEqual({ kind: 'done', next: 'merged' });
    expect(github.pull(7).merged).toBe(true);
    expect(github.writes.at(-1)).toEqual({ verb: 'dispatch', stage: 'scheduler', inputs: {} });
  });
});

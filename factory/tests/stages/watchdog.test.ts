import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import { parseRerunNote } from '../../src/core/notes.ts';
import { EMPTY_LEDGER, renderStatus } from '../../src/core/status.ts';
import { runWatchdog } from '../../src/stages/watchdog.ts';
import { createFakeGitHub, FACTORY_LOGIN, type FakeGitHub } from '../fakes/fake-github.ts';

const config = defaultConfig(); // stageTimeoutMinutes: 45
let github: FakeGitHub;

/** The fake stamps its events from 2026-01-01T00:00Z on, a second apart. */
const minutesIn = (minutes: number) => () => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);

const tick = (minutes: number) =>
  runWatchdog({ github: github.port, config, now: minutesIn(minutes) });

/** A PR the scheduler put on the line and a stage moved on to `plan-review`. */
function onLine(pr: number, init: { isFork?: boolean } = {}) {
  github.openPullRequest(pr, { state: 'queued', headSha: `sha-${pr}`, ...init });
  github.factorySets(pr, 'plan');
  github.factorySets(pr, 'plan-review');
}

const writesOn = (pr: number) =>
  github.writes.filter((write) => {
    if ('pr' in write) return write.pr === pr;
    return write.verb === 'dispatch' && write.inputs.pr === pr;
  });

beforeEach(() => {
  github = createFakeGitHub({ permissions: { alice: 'write', tom: 'triage' } });
});

describe('the watchdog: crashed stages (R-03)', () => {
  it('re-runs a stage stalled past the limit once: a re-run note and a dispatch, label unchanged', async () => {
    onLine(7);

    expect(await tick(60)).toEqual([{ kind: 'moved', pr: 7, to: 'plan-review' }]);

    expect(github.writes.map((write) => write.verb)).toEqual([
      'writeStatusComment',
      'comment',
      'dispatch',
    ]);
    const note = github.commentsOn(7).find((c) => parseRerunNote(c.body) !== undefined);
    expect(note === undefined ? undefined : parseRerunNote(note.body)).toMatchObject({
      stage: 'plan-review',
      reason: 'stage-crashed',
    });
    expect(github.writes.at(-1)).toEqual({
      verb: 'dispatch',
      stage: 'plan-review',
      inputs: { pr: 7, expectedHeadSha: 'sha-7' },
    });
    expect(github.stateOf(7)).toEqual(['plan-review']);
  });

  it('parks stage-crashed when the re-run stalls too, though the stage has retries left', async () => {
    onLine(7);
    await tick(60);
    github.writes.length = 0;

    expect(await tick(120)).toEqual([
      {
        kind: 'parked',
        pr: 7,
        reason: 'stage-crashed',
        detail: 'The plan-review stage stopped without finishing, and so did its re-run.',
      },
    ]);
    expect(github.writes.map((write) => write.verb)).toEqual(['writeStatusComment', 'setState']);
    expect(github.stateOf(7)).toEqual(['needs-attention']);
    const status = github.commentsOn(7).find((c) => c.body.includes('factory:status'));
    expect(status?.body).toContain('(`stage-crashed`) in plan-review');
  });

  it('re-runs again after a person relabels the parked PR: their move restarts the count', async () => {
    onLine(7);
    await tick(60);
    await tick(120);
    github.personSets(7, 'plan-review');
    github.writes.length = 0;

    expect(await tick(240)).toEqual([{ kind: 'moved', pr: 7, to: 'plan-review' }]);
    expect(github.writes.at(-1)).toMatchObject({ verb: 'dispatch', stage: 'plan-review' });
  });

  it('R-12: parks not-a-writer, starting nothing, when the label it stalled on was set by someone without write permission and never turned away', async () => {
    onLine(7);
    github.personSets(7, 'implementation', 'tom');

    expect(await tick(60)).toEqual([
      {
        kind: 'parked',
        pr: 7,
        reason: 'not-a-writer',
        detail:
          "@tom, who has triage permission, set the stage's label, and it was not turned away.",
      },
    ]);
    expect(github.writes.some((write) => write.verb === 'dispatch')).toBe(false);
    expect(github.stateOf(7)).toEqual(['needs-attention']);
  });

  it('writes nothing while the stage is within its time limit', async () => {
    onLine(7);

    expect(await tick(45)).toEqual([{ kind: 'idle', reason: 'no stalled or broken PR' }]);
    expect(github.writes).toEqual([]);
  });

  it('writes nothing while a run of the stage is active for the PR', async () => {
    onLine(7);
    github.addActiveRun('plan-review', { pr: 7, status: 'queued' });

    expect(await tick(600)).toEqual([{ kind: 'idle', reason: 'no stalled or broken PR' }]);
    expect(github.writes).toEqual([]);
  });

  it('is not fooled by a run for another PR or of another stage', async () => {
    onLine(7);
    github.addActiveRun('plan-review', { pr: 8 });
    github.addActiveRun('plan', { pr: 7 });

    expect(await tick(60)).toEqual([{ kind: 'moved', pr: 7, to: 'plan-review' }]);
  });

  it('lists a stage’s runs once per tick, and only once a PR of it stalled', async () => {
    onLine(7);
    onLine(8);
    const listed: string[] = [];
    const port = {
      ...github.port,
      listActiveRuns: (stage: Parameters<typeof github.port.listActiveRuns>[0]) => {
        listed.push(stage);
        return github.port.listActiveRuns(stage);
      },
    };

    await runWatchdog({ github: port, config, now: minutesIn(45) });
    expect(listed).toEqual([]);

    const outcomes = await runWatchdog({ github: port, config, now: minutesIn(60) });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['moved', 'moved']);
    expect(listed).toEqual(['plan-review']);
  });

  it('stands down, writing nothing, when a person moves the PR while it looks (R-19)', async () => {
    onLine(7);
    github.duringNextTimelineRead(() => {
      github.personSets(7, 'plan');
    });

    expect(await tick(60)).toEqual([
      {
        kind: 'stood-down',
        pr: 7,
        reason: 'PR #7 is no longer in state:plan-review (now state:plan)',
      },
    ]);
    expect(github.writes).toEqual([]);
  });

  it('stands down, writing nothing, when the head moved while it looked', async () => {
    onLine(7);
    github.duringNextTimelineRead(() => {
      github.pushTo(7, 'sha-7b');
    });

    expect(await tick(60)).toMatchObject([{ kind: 'stood-down', pr: 7 }]);
    expect(github.writes).toEqual([]);
  });
});

describe('the watchdog: broken state labels (R-04)', () => {
  it('parks a PR with two state labels in one label write, keeping its other labels', async () => {
    github.openPullRequest(7, { labels: ['bug', 'state:plan', 'state:code-review'] });

    expect(await tick(1)).toEqual([
      {
        kind: 'parked',
        pr: 7,
        reason: 'label-conflict',
        detail: 'The PR carried `state:plan`, `state:code-review` at once.',
      },
    ]);
    expect(github.writes.map((write) => write.verb)).toEqual(['writeStatusComment', 'setState']);
    expect(github.pull(7).labels).toEqual(['bug', 'state:needs-attention']);
    const status = github.commentsOn(7)[0];
    expect(status?.author).toBe(FACTORY_LOGIN);
    expect(status?.body).toContain('(`label-conflict`)');
  });

  it('leaves a parked PR a writer just set a stage label on: its route job is taking the park off', async () => {
    onLine(7);
    github.factorySets(7, 'needs-attention');
    github.personAdds(7, 'state:plan');

    expect(await tick(5)).toEqual([{ kind: 'idle', reason: 'no stalled or broken PR' }]);
    expect(github.writes).toEqual([]);
    expect(github.stateOf(7)).toEqual(['needs-attention', 'plan']);
  });

  it('parks that PR label-conflict once the resume’s grace passed and the park is still on', async () => {
    onLine(7);
    github.factorySets(7, 'needs-attention');
    github.personAdds(7, 'state:plan');

    expect(await tick(11)).toEqual([
      expect.objectContaining({ kind: 'parked', pr: 7, reason: 'label-conflict' }),
    ]);
    expect(github.stateOf(7)).toEqual(['needs-attention']);
  });

  it.each([
    [
      'the factory set the other label',
      (pr: number) => {
        github.factoryAdds(pr, 'state:plan');
      },
    ],
    [
      'a person parked the PR on top of its stage',
      (pr: number) => {
        github.factorySets(pr, 'plan');
        github.personAdds(pr, 'state:needs-attention');
      },
    ],
    [
      'the PR carries three state labels',
      (pr: number) => {
        github.personAdds(pr, 'state:merge');
        github.personAdds(pr, 'state:plan');
      },
    ],
  ])('parks a parked PR with a second state label at once when %s: no resume', async (_, act) => {
    onLine(7);
    github.factorySets(7, 'needs-attention');
    act(7);

    expect(await tick(1)).toEqual([
      expect.objectContaining({ kind: 'parked', pr: 7, reason: 'label-conflict' }),
    ]);
  });

  it('parks a PR whose state label is gone while its status comment shows it on the line', async () => {
    github.openPullRequest(7, { labels: ['bug'] });
    await github.port.writeStatusComment(
      7,
      renderStatus('implementation', EMPTY_LEDGER),
      undefined,
    );
    github.writes.length = 0;

    expect(await tick(1)).toEqual([
      {
        kind: 'parked',
        pr: 7,
        reason: 'state-lost',
        detail:
          'The PR has no state label, but its status comment shows it in state:implementation.',
      },
    ]);
    expect(github.writes.map((write) => write.verb)).toEqual(['writeStatusComment', 'setState']);
    expect(github.pull(7).labels).toEqual(['bug', 'state:needs-attention']);
    expect(github.commentsOn(7)).toHaveLength(1);
    expect(github.commentsOn(7)[0]?.body).toContain('(`state-lost`) in implementation');
  });

  it('R-04: sets the label of a park whose label write failed, on its next tick', async () => {
    github.openPullRequest(7, { labels: ['bug'] });
    await github.port.writeStatusComment(
      7,
      renderStatus('implementation', EMPTY_LEDGER),
      undefined,
    );
    const setState = github.port.setState.bind(github.port);
    let failed = false;
    github.port.setState = (...args) => {
      if (failed) return setState(...args);
      failed = true;
      return Promise.reject(new Error('GitHub answered 502 after every retry'));
    };

    await expect(tick(1)).rejects.toThrow(/502/);
    expect(github.stateOf(7)).toEqual([]);
    const outcomes = await tick(21);

    expect(outcomes).toEqual([
      expect.objectContaining({ kind: 'parked', pr: 7, reason: 'state-lost' }),
    ]);
    expect(github.pull(7).labels).toEqual(['bug', 'state:needs-attention']);
  });

  it('leaves a parked PR alone once a person took its state:needs-attention label off', async () => {
    github.openPullRequest(7, { state: 'needs-attention' });
    await github.port.writeStatusComment(
      7,
      renderStatus('needs-attention', EMPTY_LEDGER),
      undefined,
    );
    github.personRemoves(7, 'state:needs-attention');
    github.writes.length = 0;

    expect(await tick(600)).toEqual([{ kind: 'idle', reason: 'no stalled or broken PR' }]);
    expect(github.writes).toEqual([]);
  });

  it('leaves a PR without a state label alone when the line never had it', async () => {
    github.openPullRequest(7, { labels: ['bug'] });
    github.openPullRequest(8, { labels: [] });
    await github.port.writeStatusComment(8, renderStatus('merged', EMPTY_LEDGER), undefined);
    github.writes.length = 0;

    expect(await tick(600)).toEqual([{ kind: 'idle', reason: 'no stalled or broken PR' }]);
    expect(github.writes).toEqual([]);
  });

  it('stands down, writing nothing, when the labels were fixed while it looked (R-19)', async () => {
    github.openPullRequest(7, { labels: ['state:plan', 'state:code-review'] });
    github.duringNextStatusRead(() => {
      github.personSets(7, 'code-review');
    });

    expect(await tick(1)).toEqual([
      { kind: 'stood-down', pr: 7, reason: 'PR #7 changed meanwhile' },
    ]);
    expect(github.writes).toEqual([]);
    expect(github.stateOf(7)).toEqual(['code-review']);
  });
});

describe('the watchdog leaves alone', () => {
  it.each(['queued', 'needs-attention'] as const)(
    'a PR at state:%s, however long it has waited',
    async (state) => {
      github.openPullRequest(7, { state });

      expect(await tick(10_000)).toEqual([{ kind: 'idle', reason: 'no stalled or broken PR' }]);
      expect(github.writes).toEqual([]);
    },
  );

  it('a fork PR, even one in a working state or with two state labels', async () => {
    onLine(7, { isFork: true });
    github.openPullRequest(8, { labels: ['state:plan', 'state:merge'], isFork: true });

    expect(await tick(10_000)).toEqual([{ kind: 'idle', reason: 'no stalled or broken PR' }]);
    expect(github.writes).toEqual([]);
  });

  it('a closed PR, while it still handles every other PR of the tick', async () => {
    github.openPullRequest(6, { state: 'plan', open: false });
    onLine(7);
    github.openPullRequest(8, { labels: ['state:plan', 'state:merge'] });
    github.openPullRequest(9, { state: 'queued' });

    const outcomes = await tick(60);

    expect(outcomes).toMatchObject([
      { kind: 'moved', pr: 7 },
      { kind: 'parked', pr: 8 },
    ]);
    expect(writesOn(6)).toEqual([]);
    expect(writesOn(9)).toEqual([]);
  });
});

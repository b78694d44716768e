import { describe, expect, it } from 'vitest';
import { runStatus } from '../../src/cli/commands/status.ts';
import { defaultResumeStage, type LineStatus } from '../../src/cli/line-status.ts';
import { formatAge } from '../../src/cli/line-status-view.ts';
import { arrangeLine, ledgerWith, parkedLedger } from './line.ts';
import { REPO, startCliForge } from './support.ts';

const T0 = new Date('2026-03-02T09:00:00Z');
const LATER = new Date('2026-03-02T09:42:00Z');

/** A forge whose clock stands still at T0, so ages are exact. */
async function startLine() {
  const fixture = await startCliForge({ now: () => T0 });
  const line = arrangeLine(fixture.forge);
  const inFlight = await line.queueSpec('0002-csv');
  await line.move(
    inFlight,
    'plan',
    'plan-review',
    'implementation',
    'implementation-ci',
    'implementation',
  );
  await line.writeStatus(
    inFlight,
    'implementation',
    ledgerWith({ plan: 0.5, 'plan-review': 0.25, implementation: 1.5 }),
  );
  const parked = await line.queueSpec('0003-pdf');
  await line.move(parked, 'needs-attention');
  await line.writeStatus(
    parked,
    'needs-attention',
    parkedLedger(ledgerWith({ 'code-review': 3 }), 'code-review'),
  );
  const first = await line.queueSpec('0004-xml');
  const urgent = await line.queueSpec('0005-json', 'priority: high\ndepends-on: [4]');
  const noSpec = await fixture.forge.openPullRequest('writer', {
    branch: 'no-spec',
    files: { 'notes.txt': 'no spec here\n' },
    title: 'Not a spec',
    labels: ['state:queued'],
  });
  fixture.forge.requestLog.reset();
  return { fixture, inFlight, parked, first, urgent, noSpec };
}

/** `factory status --json` as a reader sees it, once the owner committed `config` to main. */
async function statusUnder(
  fixture: Awaited<ReturnType<typeof startLine>>['fixture'],
  config: string,
): Promise<LineStatus> {
  await fixture.forge.commit('octo-owner', {
    branch: 'main',
    files: { 'factory.config.yaml': config },
  });
  const deps = fixture.deps('reader', { now: () => LATER });
  await runStatus({ repo: REPO, json: true }, deps);
  return JSON.parse(deps.captured.out.join('\n')) as LineStatus;
}

describe('factory status', { timeout: 30_000 }, () => {
  it('shows stage, attempt, time in stage and spend of each PR, parked ones with their reason, and the queue order, as a table and as JSON', async () => {
    const { fixture, inFlight, parked } = await startLine();
    const deps = fixture.deps('reader', { now: () => LATER });

    expect(await runStatus({ repo: REPO }, deps)).toBe(0);

    expect(deps.captured.out.join('\n')).toBe(
      [
        `The line on ${REPO}`,
        'Spent on 2026-03-02 (UTC): $5.25 of $100.00 a day',
        '',
        'On the line',
        '  PR  STAGE           ATTEMPT  IN STAGE  SPENT  TITLE',
        '  #1  implementation  2/3      42m       $2.25  Spec 0002-csv',
        '',
        'Parked (state:needs-attention)',
        '  #2  retries-exhausted in code-review  42m ago  $3.00  Spec 0003-pdf',
        '       Retries spent: Three reviews asked for changes.',
        '       then: pnpm factory resume 2',
        '',
        'Queue (in the order the scheduler takes it)',
        '  1.  #4  spec 0005  high    Spec 0005-json',
        '       Waiting for spec 0004 (#3, queued).',
        '  2.  #3  spec 0004  normal  Spec 0004-xml',
        '       The line is full: 1 of 1 slots taken (#1).',
        '  3.  #5                     Not a spec',
        '       Will be parked: A queued PR must add exactly one spec under specs/ (found: none).',
      ].join('\n'),
    );
    expect(fixture.writes()).toEqual([]);

    // Scripts get the same facts as JSON.
    const asJson = fixture.deps('reader', { now: () => LATER });

    expect(await runStatus({ repo: REPO, json: true }, asJson)).toBe(0);

    const status = JSON.parse(asJson.captured.out.join('\n')) as LineStatus;
    expect(status.working).toEqual([
      {
        number: inFlight,
        title: 'Spec 0002-csv',
        stage: 'implementation',
        attempt: 2,
        maxAttempts: 3,
        since: '2026-03-02T09:00:00Z',
        ageMs: 42 * 60_000,
        dollars: 2.25,
      },
    ]);
    expect(status.parked[0]).toMatchObject({
      number: parked,
      reason: 'retries-exhausted',
      fromStage: 'code-review',
      resumeFrom: 'code-review',
    });
    expect(status.queue.map((row) => [row.number, row.status])).toEqual([
      [4, 'waiting'],
      [3, 'waiting'],
      [5, 'invalid'],
    ]);
  });

  it('names the next PR once the line has room', async () => {
    const { fixture, inFlight } = await startLine();

    const status = await statusUnder(fixture, 'maxInFlight: 2\n');

    expect(status.working.map((row) => row.number)).toEqual([inFlight]);
    expect(status.queue[1]).toMatchObject({ number: 3, status: 'next' });
  });

  it('R-16: says when today’s spend reaches the daily ceiling, and that the next spec waits for the next day', async () => {
    const { fixture } = await startLine();

    const status = await statusUnder(fixture, 'maxInFlight: 2\nbudgets:\n  perDayDollars: 5\n');

    expect(status.today).toEqual({ day: '2026-03-02', dollars: 5.25, ceiling: 5, reached: true });
    expect(status.queue[1]).toMatchObject({
      number: 3,
      status: 'waiting',
      message:
        'Waits for the next UTC day: the line spent $5.25 of its $5.00 today (budgets.perDayDollars).',
    });
  });

  it('flags a PR carrying several state labels instead of guessing its stage', async () => {
    const fixture = await startCliForge();
    const pr = await fixture.forge.openPullRequest('writer', {
      branch: 'two',
      files: { 'two.txt': 'two\n' },
      title: 'Two states',
      labels: ['state:plan', 'state:merge'],
    });
    const deps = fixture.deps('reader');

    expect(await runStatus({ repo: REPO }, deps)).toBe(0);

    const text = deps.captured.out.join('\n');
    expect(text).toContain(`  #${String(pr)}  several state labels  Two states`);
    expect(text).toContain('       state:plan, state:merge: keep the one of the stage it is in.');
    expect(text).toContain('  nothing in progress');
  });

  it('says so when nothing is on the line', async () => {
    const fixture = await startCliForge();
    const deps = fixture.deps('reader');

    expect(await runStatus({ repo: REPO }, deps)).toBe(0);

    expect(deps.captured.out).toContain('  nothing in progress');
    expect(deps.captured.out).toContain('  empty');
  });
});

describe('formatAge', () => {
  it.each([
    [undefined, '?'],
    [42_000, '42s'],
    [5 * 60_000, '5m'],
    [130 * 60_000, '2h 10m'],
    [(3 * 24 + 4) * 3_600_000, '3d 4h'],
  ])('formats %s ms as %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('defaultResumeStage', () => {
  it('restarts where the reason’s advice says, else the stage a PR parked in, and asks otherwise', () => {
    // The status comment says "set state:code-review": resume agrees with it.
    expect(defaultResumeStage({ reason: 'not-approved', detail: '', stage: 'merge' })).toBe(
      'code-review',
    );
    expect(defaultResumeStage({ reason: 'conflict', detail: '', stage: 'merge' })).toBe(
      'implementation-ci',
    );
    expect(defaultResumeStage({ reason: 'retries-exhausted', detail: '', stage: 'plan' })).toBe(
      'plan',
    );
    expect(defaultResumeStage({ reason: 'spec-invalid', detail: '' })).toBe('queued');
    expect(defaultResumeStage({ reason: 'not-a-writer', detail: '' })).toBe('queued');
    expect(defaultResumeStage({ reason: 'state-lost', detail: '' })).toBeUndefined();
    expect(defaultResumeStage(undefined)).toBeUndefined();
  });
});

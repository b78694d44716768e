import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import { EMPTY_LEDGER, recordAttempt, renderStatus } from '../../src/core/status.ts';
import { runScheduler } from '../../src/stages/scheduler.ts';
import { createFakeGitHub, type FakeGitHub } from '../fakes/fake-github.ts';

const config = defaultConfig();
let github: FakeGitHub;

function spec(title: string, frontMatter = ''): string {
  return [
    ...(frontMatter === '' ? [] : ['---', frontMatter, '---', '']),
    `# ${title}`,
    '',
    '## Goal',
    '',
    `Make ${title.toLowerCase()} possible for every caller of the product.`,
    '',
    '## Acceptance criteria',
    '',
    '- [ ] `src/thing.ts` exports `thing()` returning `42`, tested in `tests/thing.test.ts`.',
    '',
  ].join('\n');
}

/** A person opens a PR adding one spec and queues it. */
function queue(
  pr: number,
  path: string,
  text: string,
  extra: { isFork?: boolean; baseRef?: string } = {},
) {
  github.openPullRequest(pr, { state: 'queued', headSha: `head-${pr}`, ...extra });
  github.setChangedFiles(pr, [
    { path, additions: text.split('\n').length, deletions: 0, addedLines: text.split('\n') },
  ]);
  github.setFile(`head-${pr}`, path, { text, blobSha: `blob-${pr}` });
}

const run = (specPathsOnMain: string[] = ['specs/0001-word-count.md']) =>
  runScheduler({ github: github.port, config, specPathsOnMain });

const runWithTwoSlotsAndNoSpecOnMain = () =>
  runScheduler({ github: github.port, config: { ...config, maxInFlight: 2 }, specPathsOnMain: [] });

/** A PR adding the spec at `path`, already on the line in `state`. */
function onTheLine(pr: number, state: 'implementation' | 'plan-review', path: string) {
  github.openPullRequest(pr, { state });
  github.setChangedFiles(pr, [{ path, additions: 1, deletions: 0, addedLines: [] }]);
}

beforeEach(() => {
  github = createFakeGitHub({ permissions: { alice: 'write', tom: 'triage' } });
});

describe('the scheduler stage', () => {
  it('puts the first queued PR on the line and dispatches the planner for its head', async () => {
    queue(11, 'specs/0002-first.md', spec('First thing'));
    queue(12, 'specs/0003-second.md', spec('Second thing'));
    expect(await run()).toEqual([{ kind: 'moved', pr: 11, to: 'plan' }]);
    expect(github.stateOf(11)).toEqual(['plan']);
    expect(github.stateOf(12)).toEqual(['queued']);
    expect(github.writes.at(-1)).toEqual({
      verb: 'dispatch',
      stage: 'plan',
      inputs: { pr: 11, expectedHeadSha: 'head-11' },
    });
  });

  it('takes a high-priority spec before an older normal one', async () => {
    queue(11, 'specs/0002-first.md', spec('First thing'));
    queue(12, 'specs/0003-urgent.md', spec('Urgent thing', 'priority: high'));
    expect(await run()).toEqual([{ kind: 'moved', pr: 12, to: 'plan' }]);
  });

  it('waits, writing nothing, while another PR is on the line (serial by default)', async () => {
    github.openPullRequest(5, { state: 'implementation' });
    queue(11, 'specs/0002-first.md', spec('First thing'));
    const outcomes = await run();
    expect(outcomes).toEqual([{ kind: 'idle', reason: expect.any(String) }]);
    expect(github.writes).toEqual([]);
  });

  it('skips a spec whose depends-on is not merged yet and takes the next one', async () => {
    queue(11, 'specs/0003-needs-two.md', spec('Needs two', 'depends-on: [2]'));
    queue(12, 'specs/0002-two.md', spec('Two'));
    expect(await run()).toEqual([{ kind: 'moved', pr: 12, to: 'plan' }]);
  });

  it('R-13: parks specs whose depends-on form a cycle, and one that waits on them, naming the cycle', async () => {
    queue(11, 'specs/0002-two.md', spec('Two', 'depends-on: [3]'));
    queue(12, 'specs/0003-three.md', spec('Three', 'depends-on: [2]'));
    queue(13, 'specs/0004-four.md', spec('Four', 'depends-on: [3]'));
    queue(14, 'specs/0005-five.md', spec('Five'));

    const outcomes = await run();

    expect(outcomes).toEqual([
      expect.objectContaining({ kind: 'parked', pr: 11, reason: 'spec-invalid' }),
      expect.objectContaining({ kind: 'parked', pr: 12, reason: 'spec-invalid' }),
      expect.objectContaining({ kind: 'parked', pr: 13, reason: 'spec-invalid' }),
      { kind: 'moved', pr: 14, to: 'plan' },
    ]);
    for (const pr of [11, 12, 13]) expect(github.stateOf(pr)).toEqual(['needs-attention']);
    expect(outcomes[0]).toMatchObject({ detail: expect.stringContaining('0002, 0003') });
  });

  it('parks a queued spec that fails lint with each finding and how to fix it (R-13)', async () => {
    queue(11, 'specs/0002-vague.md', '# Vague\n\n## Goal\n\nDo stuff.\n');
    const outcomes = await run();
    expect(outcomes).toEqual([
      {
        kind: 'parked',
        pr: 11,
        reason: 'spec-invalid',
        detail: expect.stringContaining('does not pass lint'),
      },
    ]);
    expect(github.stateOf(11)).toEqual(['needs-attention']);
    expect(github.writes.some((write) => write.verb === 'dispatch')).toBe(false);
    const status = github.commentsOn(11)[0]?.body ?? '';
    expect(status).toContain('`spec-invalid`');
    expect(status).toContain('specs/0002-vague.md');
  });

  it('parks a spec whose number is already taken on main (R-13)', async () => {
    queue(11, 'specs/0001-another-word-count.md', spec('Another word count'));
    const outcomes = await run();
    expect(outcomes[0]).toMatchObject({
      kind: 'parked',
      detail: expect.stringContaining('number-collision'),
    });
  });

  it('parks a queued PR that adds no spec', async () => {
    github.openPullRequest(11, { state: 'queued' });
    github.setChangedFiles(11, [
      { path: 'src/a.ts', additions: 1, deletions: 0, addedLines: ['x'] },
    ]);
    expect((await run())[0]).toMatchObject({
      kind: 'parked',
      detail: expect.stringContaining('exactly one spec'),
    });
  });

  it('parks, never plans, a PR that someone without write permission queued (R-12)', async () => {
    github.openPullRequest(11, { state: 'queued', headSha: 'head-11', author: 'tom' });
    const text = spec('Sneaky thing');
    github.setChangedFiles(11, [
      { path: 'specs/0002-sneaky.md', additions: 1, deletions: 0, addedLines: [text] },
    ]);
    github.setFile('head-11', 'specs/0002-sneaky.md', { text, blobSha: 'b' });
    expect(await run()).toEqual([
      { kind: 'parked', pr: 11, reason: 'not-a-writer', detail: expect.stringContaining('@tom') },
    ]);
    expect(github.writes.some((write) => write.verb === 'dispatch')).toBe(false);
  });

  it('lets a spec depend on one that is in flight, and refuses its number to another (R-13)', async () => {
    onTheLine(5, 'implementation', 'specs/0002-two.md');
    queue(11, 'specs/0003-needs-two.md', spec('Needs two', 'depends-on: [2]'));
    queue(12, 'specs/0002-clash.md', spec('Clash'));
    const outcomes = await runWithTwoSlotsAndNoSpecOnMain();
    expect(outcomes).toContainEqual(
      expect.objectContaining({
        kind: 'parked',
        pr: 12,
        detail: expect.stringContaining('number-collision'),
      }),
    );
    expect(github.stateOf(11)).toEqual(['queued']);
  });

  it('R-13: parks a queued PR that adds the same spec file as one on the line, naming it', async () => {
    onTheLine(5, 'plan-review', 'specs/0002-two.md');
    queue(11, 'specs/0002-two.md', spec('Two'));
    const outcomes = await runWithTwoSlotsAndNoSpecOnMain();
    expect(outcomes).toEqual([
      {
        kind: 'parked',
        pr: 11,
        reason: 'spec-invalid',
        detail: expect.stringContaining('PR #5 adds specs/0002-two.md too, and came first.'),
      },
    ]);
    expect(github.stateOf(11)).toEqual(['needs-attention']);
  });

  it('R-13: of two queued PRs that add the same spec file, puts the one opened first on the line and parks the other', async () => {
    queue(11, 'specs/0002-two.md', spec('Two'));
    queue(12, 'specs/0002-two.md', spec('Two again'));
    const outcomes = await runWithTwoSlotsAndNoSpecOnMain();
    expect(outcomes).toEqual([
      {
        kind: 'parked',
        pr: 12,
        reason: 'spec-invalid',
        detail: expect.stringContaining('PR #11 adds specs/0002-two.md too'),
      },
      { kind: 'moved', pr: 11, to: 'plan' },
    ]);
  });

  it('R-13: puts the first of two PRs adding the same spec file on the line once a slot frees, though the second was parked for it', async () => {
    onTheLine(5, 'implementation', 'specs/0002-other.md');
    queue(10, 'specs/0003-three.md', spec('Three'));
    queue(12, 'specs/0003-three.md', spec('Three again'));
    expect(await run()).toEqual([
      expect.objectContaining({ kind: 'parked', pr: 12, reason: 'spec-invalid' }),
    ]);
    expect(github.stateOf(10)).toEqual(['queued']);

    github.personSets(5, 'needs-attention');
    expect(await run()).toEqual([{ kind: 'moved', pr: 10, to: 'plan' }]);
  });

  it('R-13: lets a PR re-queued after a fix take its spec file back from a later PR parked for it', async () => {
    queue(10, 'specs/0003-three.md', spec('Three').replace('## Goal', '## Goul'));
    queue(12, 'specs/0003-three.md', spec('Three again'));
    expect((await run()).map((outcome) => outcome.kind)).toEqual(['parked', 'parked']);

    github.setFile('head-10', 'specs/0003-three.md', { text: spec('Three'), blobSha: 'blob-10b' });
    github.personSets(10, 'queued');
    expect(await run()).toEqual([{ kind: 'moved', pr: 10, to: 'plan' }]);
  });

  it('parks a PR that changes a spec already merged instead of adding one', async () => {
    queue(11, 'specs/0001-word-count.md', spec('Word count again'));
    expect((await run())[0]).toMatchObject({
      kind: 'parked',
      detail: expect.stringContaining('already merged'),
    });
  });

  it('parks a queued PR that adds two specs', async () => {
    queue(11, 'specs/0002-first.md', spec('First thing'));
    github.setChangedFiles(11, [
      { path: 'specs/0002-first.md', additions: 1, deletions: 0, addedLines: [] },
      { path: 'specs/0003-second.md', additions: 1, deletions: 0, addedLines: [] },
    ]);
    expect((await run())[0]).toMatchObject({
      kind: 'parked',
      detail: expect.stringContaining('exactly one spec'),
    });
  });

  it('R-06: parks, never plans, a queued PR that merges into a branch other than the default one', async () => {
    queue(11, 'specs/0002-elsewhere.md', spec('Elsewhere'), { baseRef: 'develop' });
    queue(12, 'specs/0003-here.md', spec('Here'));

    expect(await run()).toEqual([
      {
        kind: 'parked',
        pr: 11,
        reason: 'wrong-base',
        detail: 'The PR merges into develop, not main, the only branch the line merges into.',
      },
      { kind: 'moved', pr: 12, to: 'plan' },
    ]);
    expect(github.stateOf(11)).toEqual(['needs-attention']);
    expect(github.writes.filter((w) => w.verb === 'dispatch').map((w) => w.inputs.pr)).toEqual([
      12,
    ]);
  });

  it('never picks a PR from a fork (R-12)', async () => {
    queue(11, 'specs/0002-from-fork.md', spec('From a fork'), { isFork: true });
    expect(await run()).toEqual([{ kind: 'idle', reason: expect.any(String) }]);
    expect(github.writes).toEqual([]);
  });

  it('fills every slot when more than one PR may be in flight', async () => {
    queue(11, 'specs/0002-first.md', spec('First thing'));
    queue(12, 'specs/0003-second.md', spec('Second thing'));
    const outcomes = await runWithTwoSlotsAndNoSpecOnMain();
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['moved', 'moved']);
  });

  it('R-19: re-reads a PR before its own writes once others were written, so a person’s park stands', async () => {
    queue(11, 'specs/0002-first.md', spec('First thing'));
    queue(12, 'specs/0003-second.md', spec('Second thing'));
    // While the scheduler hands PR 11 to the planner, a person parks PR 12.
    const port = {
      ...github.port,
      dispatch: async (...args: Parameters<typeof github.port.dispatch>) => {
        await github.port.dispatch(...args);
        if (args[1].pr === 11) github.personSets(12, 'needs-attention');
      },
    };

    const outcomes = await runScheduler({
      github: port,
      config: { ...config, maxInFlight: 2 },
      specPathsOnMain: [],
    });

    expect(outcomes).toEqual([
      { kind: 'moved', pr: 11, to: 'plan' },
      { kind: 'stood-down', pr: 12, reason: expect.stringMatching(/no longer in state:queued/) },
    ]);
    expect(github.stateOf(12)).toEqual(['needs-attention']);
  });
});

describe('R-16: the scheduler under the per-day ceiling (budgets.perDayDollars)', () => {
  const noon = () => new Date('2026-11-27T12:00:00Z');
  const runAtNoon = (perDayDollars = 100) =>
    runScheduler({
      github: github.port,
      config: { ...config, budgets: { ...config.budgets, perDayDollars } },
      specPathsOnMain: ['specs/0001-word-count.md'],
      now: noon,
    });

  /** A PR the line already finished, whose ledger records `dollars` spent on `day`. */
  async function spent(pr: number, dollars: number, day: string) {
    github.openPullRequest(pr, { state: 'queued', headSha: `head-${String(pr)}` });
    const ledger = recordAttempt(EMPTY_LEDGER, 'implementation', {
      result: 'work committed',
      tokens: 1_000,
      dollars,
      day,
    });
    await github.port.writeStatusComment(pr, renderStatus('merged', ledger), undefined);
    await github.port.setState(pr, ['state:queued'], 'needs-attention');
  }

  it('puts no queued spec on the line once today’s spend reaches the ceiling, and writes nothing', async () => {
    await spent(7, 20, '2026-11-27');
    await spent(8, 15, '2026-11-27');
    queue(11, 'specs/0002-first.md', spec('First thing'));
    const writesBefore = github.writes.length;

    const outcomes = await runAtNoon(35);

    expect(outcomes).toEqual([{ kind: 'idle', reason: expect.any(String) }]);
    const [idle] = outcomes;
    expect(idle?.kind === 'idle' ? idle.reason : '').toContain(
      'The line spent $35.00 on 2026-11-27 (UTC), which reaches budgets.perDayDollars ($35.00)',
    );
    expect(github.writes.slice(writesBefore)).toEqual([]);
    expect(github.stateOf(11)).toEqual(['queued']);
  });

  it('counts no PR for more than the per-PR ceiling, whatever its status comment claims', async () => {
    await spent(7, 1_000, '2026-11-27'); // perPrDollars is 25
    queue(11, 'specs/0002-first.md', spec('First thing'));

    // Counted as $25, short of $26.
    expect(await runAtNoon(26)).toEqual([{ kind: 'moved', pr: 11, to: 'plan' }]);
  });

  it('counts only today: what was spent yesterday leaves today’s ceiling whole', async () => {
    await spent(7, 25, '2026-11-26');
    await spent(8, 24, '2026-11-27');
    queue(11, 'specs/0002-first.md', spec('First thing'));

    expect(await runAtNoon(25)).toEqual([{ kind: 'moved', pr: 11, to: 'plan' }]);
  });

  it('reads the day’s spend only when a queued spec could start: not while the line is full', async () => {
    github.openPullRequest(5, { state: 'implementation' });
    queue(11, 'specs/0002-first.md', spec('First thing'));
    const port = github.port;
    let reads = 0;
    const counting = {
      ...port,
      readDaySpend: (day: string) => {
        reads += 1;
        return port.readDaySpend(day);
      },
    };

    await runScheduler({ github: counting, config, specPathsOnMain: [], now: noon });

    expect(reads).toBe(0);
  });
});

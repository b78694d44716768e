import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConcurrencyGroups } from '../../../src/twin/runner/concurrency.ts';
import type { ConcurrencyEntry, ConcurrencyRequest } from '../../../src/twin/runner/concurrency.ts';
import { createRunner } from '../../../src/twin/runner/index.ts';
import type { Runner } from '../../../src/twin/runner/index.ts';
import {
  createFakeHost,
  createTestRepo,
  dispatchEvent,
  jobLog,
  workflows,
  INTEGRATION_TIMEOUT,
} from './harness.ts';
import type { TestRepo } from './harness.ts';

describe('concurrency groups (github-mechanics §8)', () => {
  const events: string[] = [];
  const entry = (name: string): ConcurrencyEntry => ({
    start: () => events.push(`start ${name}`),
    cancel: () => events.push(`cancel ${name}`),
  });
  const single = (group: string, cancelInProgress = false): ConcurrencyRequest => ({
    group,
    cancelInProgress,
    queue: 'single',
  });

  it('keeps one running and one pending; a newer pending cancels the older; leaving starts the pending', () => {
    events.length = 0;
    const groups = createConcurrencyGroups();
    const [a, b, c] = [entry('a'), entry('b'), entry('c')];
    groups.enter(single('PR-7'), a);
    groups.enter(single('pr-7'), b);
    groups.enter(single('pr-7'), c);
    groups.leave('pr-7', a);
    groups.leave('pr-7', c);
    expect(events).toEqual(['start a', 'cancel b', 'start c']);
  });

  it('cancel-in-progress cancels the running entry; the newcomer starts when it leaves', () => {
    events.length = 0;
    const groups = createConcurrencyGroups();
    const [a, b] = [entry('a'), entry('b')];
    groups.enter(single('g', true), a);
    groups.enter(single('g', true), b);
    groups.leave('g', a);
    expect(events).toEqual(['start a', 'cancel a', 'start b']);
  });

  it('queue: max keeps every pending entry in arrival order', () => {
    events.length = 0;
    const groups = createConcurrencyGroups();
    const entries = ['a', 'b', 'c'].map(entry);
    for (const item of entries)
      groups.enter({ group: 'g', cancelInProgress: false, queue: 'max' }, item);
    for (const item of entries) groups.leave('g', item);
    expect(events).toEqual(['start a', 'start b', 'start c']);
  });

  it('keeps groups apart', () => {
    events.length = 0;
    const groups = createConcurrencyGroups();
    groups.enter(single('one'), entry('a'));
    groups.enter(single('two'), entry('b'));
    expect(events).toEqual(['start a', 'start b']);
  });
});

describe('concurrency groups across runs', { timeout: INTEGRATION_TIMEOUT }, () => {
  let repo: TestRepo;
  let sha: string;
  let runner: Runner | undefined;

  beforeAll(() => {
    repo = createTestRepo();
    sha = repo.commit(workflows('gate.yml', 'gate-run.yml'));
  });
  afterAll(() => {
    repo.cleanup();
  });
  afterEach(async () => {
    await runner?.close();
  });

  async function threeRuns(
    group: string,
    cancel: 'yes' | 'no',
    workflow = 'gate.yml',
  ): Promise<string> {
    const gate = join(repo.dir, `gate-${group}`);
    runner = createRunner(createFakeHost(repo.gitUrl), {
      vars: { GATE: gate, GROUP: group, CANCEL: cancel },
      maxParallelJobs: 2,
    });
    for (const n of ['1', '2', '3']) {
      await runner.handle(dispatchEvent({ workflow, sha, tokenKind: 'user', inputs: { n } }));
    }
    return gate;
  }

  it('cancels the middle of three queued runs: the newest pending replaces it', async () => {
    const gate = await threeRuns('replace', 'no');
    const waiting = runner?.runs().map((run) => run.jobs[0]?.status);
    expect(waiting).toEqual(['in_progress', 'completed', 'waiting']);
    writeFileSync(gate, 'open');
    await runner?.idle();
    const runs = runner?.runs() ?? [];
    expect(runs.map((run) => run.conclusion)).toEqual(['success', 'cancelled', 'success']);
    expect(runs.map((run) => run.jobs[0]?.concurrencyGroup)).toEqual([
      'gate-replace',
      'gate-replace',
      'gate-replace',
    ]);
    expect(runs[1]?.jobs[0]?.steps).toEqual([]);
    expect(jobLog(runs[2], 'gated')).toContain('run 3 passed the gate');
    expect((runs[0]?.jobs[0]?.completedAt ?? '') <= (runs[2]?.jobs[0]?.startedAt ?? '')).toBe(true);
  });

  it('cancel-in-progress: true cancels the running job in favour of the newest', async () => {
    const gate = await threeRuns('cancel', 'yes');
    writeFileSync(gate, 'open');
    await runner?.idle();
    const runs = runner?.runs() ?? [];
    expect(runs.map((run) => run.conclusion)).toEqual(['cancelled', 'cancelled', 'success']);
    expect(runs[0]?.jobs[0]?.conclusion).toBe('cancelled');
    expect(jobLog(runs[0], 'gated')).not.toContain('passed the gate');
  });

  it('applies workflow-level concurrency to whole runs', async () => {
    const gate = await threeRuns('whole-runs', 'no', 'gate-run.yml');
    expect(runner?.runs().map((run) => run.status)).toEqual(['in_progress', 'completed', 'queued']);
    writeFileSync(gate, 'open');
    await runner?.idle();
    const runs = runner?.runs() ?? [];
    expect(runs.map((run) => [run.conclusion, run.jobs[0]?.conclusion])).toEqual([
      ['success', 'success'],
      ['cancelled', 'cancelled'],
      ['success', 'success'],
    ]);
  });

  it('cancels a running run and a queued run on request, killing the running step', async () => {
    const gate = await threeRuns('cancel-request', 'no', 'gate-run.yml');
    const [first, , third] = runner?.runs() ?? [];
    runner?.cancel(first?.id ?? 0);
    runner?.cancel(third?.id ?? 0);
    await runner?.idle();
    writeFileSync(gate, 'open');
    const runs = runner?.runs() ?? [];
    expect(runs.map((run) => run.conclusion)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(jobLog(runs[0], 'wait')).not.toContain('passed the gate');
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { WORKING_STATES } from '../../../src/core/states.ts';
import { createRunner } from '../../../src/twin/runner/index.ts';
import type { Runner } from '../../../src/twin/runner/index.ts';
import {
  createFakeHost,
  createTestRepo,
  dispatchEvent,
  pullRequestEvent,
  INTEGRATION_TIMEOUT,
} from './harness.ts';
import type { FakeHost, TestRepo } from './harness.ts';

/** A stage workflow as the line writes them: its runs are titled `<stage> #<pr>`. */
const STAGE = [
  'name: Plan',
  'run-name: "plan #${{ inputs.pr || github.event.pull_request.number }}"',
  'on:',
  '  workflow_dispatch:',
  '    inputs:',
  '      pr: { required: false }',
  '  pull_request:',
  '    types: [labeled]',
  'permissions: {}',
  'jobs:',
  '  run:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - run: echo planning',
  '',
].join('\n');

const UNTITLED = [
  'name: Untitled',
  'on: workflow_dispatch',
  'permissions: {}',
  'jobs:',
  '  run:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - run: echo untitled',
  '',
].join('\n');

/** `run-name` is evaluated as the run is filed, before GitHub has given it an id. */
const BY_ID = UNTITLED.replace(
  'name: Untitled',
  'name: By id\nrun-name: "run [${{ github.run_id }}]"',
);

/** The line's stage workflows, titled `<stage> #<pr>`; the scheduler's is titled `scheduler`. */
const LINE_WORKFLOWS = WORKING_STATES;

/** A workflow of the line with its jobs swapped for one that echoes: its title is what counts. */
function echoing(stage: string): string {
  const file = new URL(`../../../../.github/workflows/${stage}.yml`, import.meta.url);
  const workflow = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const echo = { 'runs-on': 'ubuntu-latest', steps: [{ run: `echo ${stage}` }] };
  // On one line, as written: the runner reads the title from the file as GitHub would.
  return stringify({ ...workflow, jobs: { run: echo } }, { lineWidth: 0 });
}

let repo: TestRepo;
let sha: string;
let host: FakeHost;
let runner: Runner;

beforeAll(() => {
  repo = createTestRepo();
  sha = repo.commit({
    '.github/workflows/plan.yml': STAGE,
    '.github/workflows/untitled.yml': UNTITLED,
    '.github/workflows/by-id.yml': BY_ID,
  });
});
afterAll(() => {
  repo.cleanup();
});
afterEach(async () => {
  await runner.close();
});

function start(): void {
  host = createFakeHost(repo.gitUrl);
  runner = createRunner(host);
}

describe('run-name: the title of a run (display_title)', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('is evaluated with the inputs of a dispatch and filed with the host', async () => {
    start();
    host.emit(
      dispatchEvent({
        workflow: 'plan.yml',
        sha,
        tokenKind: 'default-token',
        inputs: { pr: '12' },
      }),
    );
    await runner.idle();

    expect(runner.runs().map((run) => [run.name, run.displayTitle])).toEqual([
      ['Plan', 'plan #12'],
    ]);
    expect(host.filed.map((run) => [run.name, run.displayTitle])).toEqual([['Plan', 'plan #12']]);
  });

  it('is evaluated with the github context of a pull_request event', async () => {
    start();
    host.emit(pullRequestEvent({ action: 'labeled', sha, tokenKind: 'user', number: 31 }));
    await runner.idle();

    expect(host.filed.map((run) => run.displayTitle)).toEqual(['plan #31']);
  });

  it('is the workflow name when the workflow has no run-name', async () => {
    start();
    host.emit(dispatchEvent({ workflow: 'untitled.yml', sha, tokenKind: 'user' }));
    await runner.idle();

    expect(host.filed.map((run) => run.displayTitle)).toEqual(['Untitled']);
  });

  it('reads no run id, which GitHub has not given yet when it titles the run', async () => {
    start();
    host.emit(dispatchEvent({ workflow: 'by-id.yml', sha, tokenKind: 'user' }));
    await runner.idle();

    expect(host.filed.map((run) => run.displayTitle)).toEqual(['run []']);
    expect(runner.runs()[0]?.id).toBe(host.filed[0]?.id);
  });
});

describe('run-name of the line’s own workflows', { timeout: INTEGRATION_TIMEOUT }, () => {
  let lineRepo: TestRepo;
  let lineSha: string;
  beforeAll(() => {
    lineRepo = createTestRepo();
    lineSha = lineRepo.commit(
      Object.fromEntries(
        [...LINE_WORKFLOWS, 'scheduler'].map((stage) => [
          `.github/workflows/line-${stage}.yml`,
          echoing(stage),
        ]),
      ),
    );
  });
  afterAll(() => {
    lineRepo.cleanup();
  });
  const start = (): void => {
    host = createFakeHost(lineRepo.gitUrl);
    runner = createRunner(host);
  };

  it('names the PR and the dispatch’s id, so a dispatch whose answer was lost can be found', async () => {
    start();
    for (const stage of LINE_WORKFLOWS) {
      const inputs = { pr: '12', expected_head_sha: 'a'.repeat(40), dispatch_id: '0badf00d' };
      host.emit(
        dispatchEvent({
          workflow: `line-${stage}.yml`,
          sha: lineSha,
          tokenKind: 'default-token',
          inputs,
        }),
      );
    }
    const scheduler = { dispatch_id: '0badf00d' };
    host.emit(
      dispatchEvent({
        workflow: 'line-scheduler.yml',
        sha: lineSha,
        tokenKind: 'default-token',
        inputs: scheduler,
      }),
    );
    await runner.idle();

    expect(host.filed.map((run) => run.displayTitle)).toEqual([
      ...LINE_WORKFLOWS.map((stage) => `${stage} #12 · 0badf00d`),
      'scheduler · 0badf00d',
    ]);
  });

  it('names only the PR when a person’s label started the run', async () => {
    start();
    host.emit({
      ...pullRequestEvent({ action: 'labeled', sha: lineSha, tokenKind: 'user', number: 31 }),
      name: 'pull_request_target',
    });
    await runner.idle();

    expect(host.filed.map((run) => run.displayTitle).sort()).toEqual(
      [...LINE_WORKFLOWS.map((stage) => `${stage} #31`), 'scheduler'].sort(),
    );
  });
});

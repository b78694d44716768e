import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ForgeEvent } from '../../../src/twin/contract.ts';
import { createRunner, type Runner } from '../../../src/twin/runner/index.ts';
import { MAX_DIFF_FILES, passesPathFilter } from '../../../src/twin/runner/path-filters.ts';
import {
  createFakeHost,
  createTestRepo,
  pullRequestEvent,
  workflows,
  INTEGRATION_TIMEOUT,
  PERSON,
  type TestRepo,
} from './harness.ts';

const ZERO = '0'.repeat(40);

let repo: TestRepo;
let first: string;
let docsHead: string;
let mainTip: string;
let codeHead: string;
let twoStepHead: string;
let invalidHead: string;
let runner: Runner;

beforeAll(() => {
  repo = createTestRepo();
  first = repo.commit(workflows('paths.yml'));
  docsHead = repo.commit({ 'docs/guide.md': 'how to\n' }, 'docs-only');
  // main moves on after docs-only left it: a PR's own change is what it added since.
  mainTip = repo.commit({ 'src/app.ts': 'export {};\n' });
  codeHead = repo.commit({ 'src/other.ts': 'export {};\n' }, 'code');
  repo.commit({ 'docs/step-one.md': 'one\n' }, 'two-step');
  twoStepHead = repo.commit({ 'src/step-two.ts': 'export {};\n' }, 'two-step');
  invalidHead = repo.commit(workflows('paths-both.yml', 'any-pr.yml'), 'invalid');
});
afterAll(() => {
  repo.cleanup();
});
afterEach(async () => {
  await runner.close();
});

/** The workflows each event starts, in order. */
async function started(...events: ForgeEvent[]): Promise<string[]> {
  runner = createRunner(createFakeHost(repo.gitUrl));
  for (const event of events) await runner.handle(event);
  await runner.idle();
  return runner.runs().map((run) => `${run.event} ${run.headBranch}`);
}

function opened(head: string, sha: string): ForgeEvent {
  return pullRequestEvent({ action: 'opened', sha, head, baseSha: mainTip, tokenKind: 'user' });
}

function pushed(branch: string, before: string, after: string, kind = 'heads'): ForgeEvent {
  const ref = `refs/${kind}/${branch}`;
  return {
    name: 'push',
    payload: { ref, before, after, commits: [{ id: after }] },
    actor: PERSON,
    tokenKind: 'user',
    ref,
    sha: after,
  };
}

describe('on: paths filters', { timeout: INTEGRATION_TIMEOUT }, () => {
  it('judges a pull request by what it changed since it left its base (a three-dot diff)', async () => {
    // A two-dot diff from main's tip would also list main's src/app.ts, and start the run.
    expect(await started(opened('docs-only', docsHead), opened('code', codeHead))).toEqual([
      'pull_request code',
    ]);
  });

  it('judges a push by what it changed since the branch’s previous tip (a two-dot diff)', async () => {
    expect(await started(pushed('main', first, mainTip))).toEqual([]);
    expect(await started(pushed('docs-only', first, docsHead))).toEqual(['push docs-only']);
  });

  it('judges a new branch by its commits, from the parent of the oldest one pushed', async () => {
    expect(await started(pushed('docs-only', ZERO, docsHead))).toEqual(['push docs-only']);
    expect(await started(pushed('code', ZERO, codeHead))).toEqual([]);
  });

  it('judges a new branch of several commits by all of them, not its tip alone', async () => {
    // The tip changes src/ only; the commit below it, docs/.
    expect(await started(pushed('two-step', ZERO, twoStepHead))).toEqual(['push two-step']);
  });

  it('never judges a tag push by paths', async () => {
    expect(await started(pushed('v1', ZERO, codeHead, 'tags'))).toEqual(['push v1']);
  });

  it('starts nothing for a workflow that lists both paths and paths-ignore, and says why', async () => {
    await started(opened('invalid', invalidHead));
    expect(runner.runs().map((run) => run.name)).toEqual(['Any PR', 'Paths']);
    expect(runner.problems()).toEqual([
      expect.objectContaining({
        path: '.github/workflows/paths-both.yml',
        message: expect.stringMatching(/only define one of `paths` and `paths-ignore`/),
      }),
    ]);
  });

  it('records a diff git cannot make and goes on with the event’s other workflows', async () => {
    const unknownBase = pullRequestEvent({
      action: 'opened',
      sha: invalidHead,
      head: 'invalid',
      baseSha: 'f'.repeat(40),
      tokenKind: 'user',
    });
    expect(await started(unknownBase)).toEqual(['pull_request invalid']);
    expect(runner.problems().map((problem) => problem.path)).toEqual(
      expect.arrayContaining(['.github/workflows/paths.yml']),
    );
  });

  it('starts nothing for a deleted branch', async () => {
    expect(await started(pushed('docs-only', docsHead, ZERO))).toEqual([]);
  });
});

describe('passesPathFilter', () => {
  const docs = { paths: ['docs/**', '!docs/drafts/**'], ignore: undefined };

  it('needs one listed file to match paths, a later !pattern excluding again', () => {
    expect(passesPathFilter(['src/a.ts', 'docs/guide.md'], docs)).toBe(true);
    expect(passesPathFilter(['docs/drafts/idea.md'], docs)).toBe(false);
    expect(passesPathFilter([], docs)).toBe(false);
  });

  it('needs one listed file outside paths-ignore', () => {
    const filter = { paths: undefined, ignore: ['**.md'] };
    expect(passesPathFilter(['README.md', 'docs/a.md'], filter)).toBe(false);
    expect(passesPathFilter(['README.md', 'src/a.ts'], filter)).toBe(true);
  });

  it('looks at the first 300 files only, as GitHub does', () => {
    const many = Array.from({ length: MAX_DIFF_FILES }, (_, index) => `src/${String(index)}.ts`);
    expect(passesPathFilter([...many, 'docs/late.md'], docs)).toBe(false);
    expect(passesPathFilter(['docs/early.md', ...many], docs)).toBe(true);
  });
});

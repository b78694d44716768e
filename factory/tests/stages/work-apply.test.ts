/**
 * The implementation apply job against a twin forge and real git: it trusts nothing in the agent's
 * artifact or patch, and every refusal is checked to have pushed nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, FactoryConfigSchema } from '../../src/core/config.ts';
import { renderRerunNote } from '../../src/core/notes.ts';
import type { AgentArtifact } from '../../src/stages/agent-artifact.ts';
import { FACTORY_AUTHOR, type Workbench } from '../../src/stages/workbench.ts';
import { applyWork, type WorkApplyInput } from '../../src/stages/work-apply.ts';
import { startLineForge, writeFiles, type LineForge, type OnLine } from '../support/line-forge.ts';

const WORK = {
  summary: 'Add a word counter\n\nSplits on whitespace.',
  commands: [{ command: 'pnpm test', exitCode: 0 }],
};

function artifact(headSha: string, overrides: Partial<AgentArtifact> = {}): AgentArtifact {
  return {
    role: 'implementer',
    stopReason: 'submitted',
    detail: 'submitted',
    headSha,
    submission: WORK,
    model: 'claude-sonnet-4-6',
    usage: { input: 1000, output: 500, cacheRead: 2000, cacheWrite: 100 },
    dollars: 0.12,
    turns: 4,
    ...overrides,
  };
}

/** A patch that adds new files, as `git diff` writes one (no checkout needed to make it). */
function addingPatch(files: Readonly<Record<string, string>>): Buffer {
  const sections = Object.entries(files).map(([path, text]) => {
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return [
      `diff --git a/${path} b/${path}`,
      'new file mode 100644',
      '--- /dev/null',
      `+++ b/${path}`,
      `@@ -0,0 +1,${String(lines.length)} @@`,
      ...lines.map((line) => `+${line}`),
    ].join('\n');
  });
  return Buffer.from(`${sections.join('\n')}\n`);
}

const GOOD_PATCH = addingPatch({
  'src/count.ts': 'export const count = (s: string) => s.split(/\\s+/).length;\n',
});

let line: LineForge;
let slugs = 0;
beforeAll(async () => {
  line = await startLineForge({ lifetime: 'file' });
}, 30_000);

/** A fresh PR in state:implementation with a plan on its branch (each test gets its own). */
function atImplementation(): Promise<OnLine> {
  slugs += 1;
  return line.openOnLine({
    slug: `work-${String(slugs)}`,
    stage: 'implementation',
    files: { [`plans/0001-work-${String(slugs)}.md`]: '# Plan\n' },
  });
}

function apply(
  on: OnLine,
  input: Partial<WorkApplyInput> = {},
  deps: { config?: typeof line.config; workbench?: Workbench } = {},
) {
  return applyWork(
    {
      github: line.github,
      config: deps.config ?? line.config,
      workbench: deps.workbench ?? line.workbench,
    },
    {
      pr: on.pr,
      expectedHeadSha: on.headSha,
      artifact: artifact(on.headSha),
      artifactFound: true,
      patch: GOOD_PATCH,
      runUrl: 'https://ci.test/runs/1',
      ...input,
    },
  );
}

/** What the forge saw of a test: pushes, writes and dispatches, counted from here on. */
function watch() {
  const pushes = line.pushes();
  const writes = line.writeRequests().length;
  const dispatches = line.dispatches().length;
  return {
    pushes: () => line.pushes() - pushes,
    writes: () => line.writeRequests().slice(writes),
    dispatches: () => line.dispatches().slice(dispatches),
  };
}

async function expectParked(on: OnLine, reason: string, seen: ReturnType<typeof watch>) {
  expect(seen.pushes()).toBe(0);
  expect(await line.branchSha(on.headRef)).toBe(on.headSha);
  expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
  expect((await line.ledgerOf(on.pr)).park).toMatchObject({ reason, stage: 'implementation' });
  expect(seen.dispatches()).toEqual([]);
}

describe('applying the implementer’s work', { timeout: 30_000 }, () => {
  it('commits and pushes a good patch with a lease, moves the PR to implementation-ci and dispatches CI with the new head', async () => {
    const on = await atImplementation();
    const feedback = { kind: 'ci', from: 'implementation-ci', text: 'CI failed.' } as const;
    await line.writeLedger(on.pr, 'implementation', { ...(await line.ledgerOf(on.pr)), feedback });
    const seen = watch();

    const outcome = await apply(on);

    const newHead = (await line.branchSha(on.headRef)) ?? '';
    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'implementation-ci' });
    expect(newHead).not.toBe(on.headSha);
    expect(seen.pushes()).toBe(1);
    expect((await line.github.readPullRequest(on.pr))?.headSha).toBe(newHead);
    expect(await line.labelsOf(on.pr)).toEqual(['state:implementation-ci']);
    expect(seen.dispatches()).toEqual([
      { stage: 'implementation-ci', inputs: { pr: String(on.pr), expected_head_sha: newHead } },
    ]);
    const { data: commit } = await line.bot.rest.repos.getCommit({ ...line.repo, ref: newHead });
    expect(commit.parents.map((parent) => parent.sha)).toEqual([on.headSha]);
    expect(commit.commit.message).toBe('Add a word counter\n\nSplits on whitespace.');
    expect(commit.commit.author?.name).toBe(FACTORY_AUTHOR.name);
    const changed = await line.github.listChangedFiles(on.pr);
    expect(changed.map((file) => file.path)).toContain('src/count.ts');
    const ledger = await line.ledgerOf(on.pr);
    // The feedback this attempt answered is cleared; CI adds its own if it fails again.
    expect(ledger.feedback).toBeUndefined();
    expect(ledger.stages.implementation).toMatchObject({
      attempts: 1,
      result: '1 files committed: Add a word counter\n\nSplits on whitespace.',
      tokens: 3600,
      dollars: 0.12,
      runUrl: 'https://ci.test/runs/1',
    });
  });

  it.each([
    ['a workflow', { '.github/workflows/x.yml': 'on: push\n' }],
    [
      'the factory’s own code and the agent settings',
      { 'factory/src/x.ts': 'export {};\n', '.claude/settings.json': '{}\n' },
    ],
  ])(
    'R-08: parks protected-path with zero pushes when the patch changes %s',
    async (_what, files) => {
      const on = await atImplementation();
      const seen = watch();

      const outcome = await apply(on, { patch: addingPatch({ ...files, 'src/ok.ts': 'x\n' }) });

      expect(outcome).toMatchObject({ kind: 'parked', reason: 'protected-path' });
      await expectParked(on, 'protected-path', seen);
      const detail = (await line.ledgerOf(on.pr)).park?.detail ?? '';
      for (const path of Object.keys(files)) expect(detail).toContain(path);
      expect(detail).not.toContain('src/ok.ts');
      expect(await line.notesOf(on.pr)).toEqual([]);
    },
  );

  it('R-08: parks protected-path with zero pushes when the patch edits the spec', async () => {
    const on = await atImplementation();
    const git = await line.checkout(on.headSha);
    await writeFiles(git.dir, { [on.specPath]: '# Word count, but easier\n' });
    const { patch } = await git.diffAgainst(on.headSha);
    const seen = watch();

    const outcome = await apply(on, { patch });

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'protected-path' });
    await expectParked(on, 'protected-path', seen);
  });

  it('parks secret-detected with zero pushes when the patch adds secret-looking text', async () => {
    const on = await atImplementation();
    const seen = watch();
    const key = `sk-ant-api03-${'a1B2c3D4e5'.repeat(4)}`;

    const outcome = await apply(on, {
      patch: addingPatch({ 'src/client.ts': `export const key = '${key}';\n` }),
    });

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'secret-detected' });
    await expectParked(on, 'secret-detected', seen);
    expect(await line.statusBodyOf(on.pr)).not.toContain(key);
  });

  it('parks diff-too-large with zero pushes when the patch exceeds the limits', async () => {
    const on = await atImplementation();
    const seen = watch();
    const config = FactoryConfigSchema.parse({ diffLimits: { maxChangedLines: 3 } });

    const outcome = await apply(
      on,
      { patch: addingPatch({ 'src/long.ts': 'a\nb\nc\nd\n' }) },
      { config },
    );

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'diff-too-large' });
    await expectParked(on, 'diff-too-large', seen);
  });

  it('R-16: parks push-refused, quoting GitHub and counting the session’s spend, when a ruleset refuses the line’s commit', async () => {
    const on = await atImplementation();
    await line.addPushRule(on.headRef, 'required_signatures');
    const seen = watch();

    const outcome = await apply(on);

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'push-refused' });
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
    const ledger = await line.ledgerOf(on.pr);
    expect(ledger.park?.detail).toContain(
      `GitHub refused the line’s push to ${on.headRef} while the work was pushed:`,
    );
    expect(ledger.park?.detail).toContain('GH013: Repository rule violations found');
    expect(ledger.park?.detail).toContain('Commits must have verified signatures.');
    expect(ledger.stages.implementation).toMatchObject({ attempts: 1, dollars: 0.12 });
    expect(seen.dispatches()).toEqual([]);
  });

  it('R-17: a missing artifact is a crashed attempt: a re-run note and a dispatch at the same head, no push, the feedback kept', async () => {
    const on = await atImplementation();
    const feedback = { kind: 'review', from: 'code-review', text: 'Count hyphens once.' } as const;
    await line.writeLedger(on.pr, 'implementation', { ...(await line.ledgerOf(on.pr)), feedback });
    const seen = watch();

    const outcome = await apply(on, {
      artifact: undefined,
      artifactFound: false,
      spentBeforeCrash: { tokens: 52_000, dollars: 0.41 },
      patch: undefined,
    });

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'implementation' });
    // What the session spent before its job died counts against the PR's budget.
    expect((await line.ledgerOf(on.pr)).stages.implementation).toMatchObject({
      tokens: 52_000,
      dollars: 0.41,
    });
    expect(seen.pushes()).toBe(0);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.notesOf(on.pr)).toEqual([renderRerunNote('implementation', 'stage-crashed')]);
    expect(seen.dispatches()).toEqual([
      { stage: 'implementation', inputs: { pr: String(on.pr), expected_head_sha: on.headSha } },
    ]);
    expect(await line.labelsOf(on.pr)).toEqual(['state:implementation']);
    // The next attempt still answers the review.
    expect((await line.ledgerOf(on.pr)).feedback).toEqual(feedback);
  });

  it('R-17: a malformed artifact, an empty patch and a patch that does not apply each fail an attempt without a push; the third parks retries-exhausted', async () => {
    const on = await atImplementation();
    const seen = watch();
    const stale = Buffer.from(
      [
        'diff --git a/src/words.ts b/src/words.ts',
        '--- a/src/words.ts',
        '+++ b/src/words.ts',
        '@@ -1,1 +1,1 @@',
        '-export const nothing = 0;',
        '+export const nothing = 1;',
        '',
      ].join('\n'),
    );

    const first = await apply(on, { artifact: undefined });
    const second = await apply(on, { patch: Buffer.alloc(0) });
    const third = await apply(on, { patch: stale });

    expect([first, second]).toEqual([
      { kind: 'moved', pr: on.pr, to: 'implementation' },
      { kind: 'moved', pr: on.pr, to: 'implementation' },
    ]);
    expect(third).toMatchObject({ kind: 'parked', reason: 'retries-exhausted' });
    expect(seen.pushes()).toBe(0);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.notesOf(on.pr)).toEqual([
      renderRerunNote('implementation', 'invalid-output'),
      renderRerunNote('implementation', 'invalid-output'),
    ]);
    expect(seen.dispatches().map((d) => d.stage)).toEqual(['implementation', 'implementation']);
    expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
    const ledger = await line.ledgerOf(on.pr);
    expect(ledger.stages.implementation?.attempts).toBe(3);
    expect(ledger.stages.implementation?.result).toMatch(
      /^no usable work: the patch does not apply/,
    );
  });

  it('R-02: stands down with zero writes when the artifact was made on an older head', async () => {
    const on = await atImplementation();
    const seen = watch();

    const outcome = await apply(on, { artifact: artifact('0'.repeat(40)) });

    expect(outcome).toEqual({
      kind: 'stood-down',
      pr: on.pr,
      reason: 'the agent worked on an older head',
    });
    expect(seen.writes()).toEqual([]);
    expect(seen.pushes()).toBe(0);
  });

  it('R-19: stands down with zero writes when a person relabelled the PR meanwhile', async () => {
    const on = await atImplementation();
    await line.move(on.pr, 'plan');
    const seen = watch();

    const outcome = await apply(on);

    expect(outcome).toMatchObject({ kind: 'stood-down', pr: on.pr });
    expect(seen.writes()).toEqual([]);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
  });

  it('R-19: stands down without a label or comment when someone pushed to the branch while the patch was applied', async () => {
    const on = await atImplementation();
    let theirs = '';
    const racing: Workbench = {
      async checkoutHead(pr) {
        const git = await line.workbench.checkoutHead(pr);
        const pushed = await line.forge.commit('writer', {
          branch: on.headRef,
          files: { 'src/theirs.ts': 'export {};\n' },
        });
        theirs = pushed.sha;
        return git;
      },
    };
    const seen = watch();

    const outcome = await apply(on, {}, { workbench: racing });

    expect(outcome).toMatchObject({ kind: 'stood-down', pr: on.pr });
    if (outcome.kind === 'stood-down') expect(outcome.reason).toMatch(/stale/);
    expect(await line.branchSha(on.headRef)).toBe(theirs);
    // git refused the push on the lease before sending it; nothing followed it.
    expect(seen.writes()).toEqual([]);
    expect(seen.pushes()).toBe(0);
    expect(seen.dispatches()).toEqual([]);
    expect(await line.labelsOf(on.pr)).toEqual(['state:implementation']);
  });
});

it('keeps the default configuration’s protected paths (the R-08 tests rely on them)', () => {
  expect(defaultConfig().protectedPaths).toEqual(
    expect.arrayContaining(['.github/**', 'factory/**', '.claude/**', 'specs/**']),
  );
});

/** The plan apply job against a twin forge and real git. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderRerunNote } from '../../src/core/notes.ts';
import type { AgentArtifact } from '../../src/stages/agent-artifact.ts';
import { applyPlan, renderPlan } from '../../src/stages/plan-apply.ts';
import type { ApplyInput } from '../../src/stages/apply-common.ts';
import { startLineForge, type LineForge, type OnLine } from '../support/line-forge.ts';

const PLAN = {
  summary: 'Add count() with a test per criterion.',
  markdown: '# Plan\n\n1. Add `src/count.ts`.\n2. Test `count("a b")`.',
  files: ['src/count.ts', 'tests/count.test.ts'],
};

function artifact(headSha: string, submission: unknown = PLAN): AgentArtifact {
  return {
    role: 'planner',
    stopReason: 'submitted',
    detail: 'submitted',
    headSha,
    submission,
    model: 'claude-sonnet-4-6',
    usage: { input: 800, output: 400, cacheRead: 0, cacheWrite: 0 },
    dollars: 0.05,
    turns: 2,
  };
}

let line: LineForge;
let slugs = 0;
beforeAll(async () => {
  line = await startLineForge({ lifetime: 'file' });
}, 30_000);

function atPlan(): Promise<OnLine> {
  slugs += 1;
  return line.openOnLine({ slug: `plan-${String(slugs)}`, stage: 'plan' });
}

const apply = (on: OnLine, input: Partial<ApplyInput> = {}) =>
  applyPlan(
    { github: line.github, config: line.config, workbench: line.workbench },
    {
      pr: on.pr,
      expectedHeadSha: on.headSha,
      artifact: artifact(on.headSha),
      artifactFound: true,
      ...input,
    },
  );

describe('applying the planner’s plan', { timeout: 30_000 }, () => {
  it('commits the plan at plans/NNNN-name.md on the branch, clears the review’s objections and moves the PR to plan-review', async () => {
    const on = await atPlan();
    const objections = { kind: 'review', from: 'plan-review', text: 'Test the hyphen.' } as const;
    await line.writeLedger(on.pr, 'plan', {
      ...(await line.ledgerOf(on.pr)),
      feedback: objections,
    });

    const outcome = await apply(on);

    const newHead = (await line.branchSha(on.headRef)) ?? '';
    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'plan-review' });
    expect(newHead).not.toBe(on.headSha);
    const git = await line.checkout(newHead);
    const planPath = on.specPath.replace(/^specs\//, 'plans/');
    expect(await readFile(join(git.dir, planPath), 'utf8')).toBe(renderPlan(PLAN));
    expect(await line.labelsOf(on.pr)).toEqual(['state:plan-review']);
    expect(line.dispatches().at(-1)).toEqual({
      stage: 'plan-review',
      inputs: { pr: String(on.pr), expected_head_sha: newHead },
    });
    const ledger = await line.ledgerOf(on.pr);
    expect(ledger.feedback).toBeUndefined();
    expect(ledger.spec?.path).toBe(on.specPath);
    expect(ledger.stages.plan).toMatchObject({
      attempts: 1,
      result: `plan committed: ${PLAN.summary}`,
      dollars: 0.05,
    });
  });

  it('R-17: an invalid plan is a failed attempt: a re-run note and a dispatch at the same head, no push, the objections kept', async () => {
    const on = await atPlan();
    const objections = { kind: 'review', from: 'plan-review', text: 'Test the hyphen.' } as const;
    await line.writeLedger(on.pr, 'plan', {
      ...(await line.ledgerOf(on.pr)),
      feedback: objections,
    });
    const pushes = line.pushes();

    const outcome = await apply(on, { artifact: artifact(on.headSha, { ...PLAN, files: [] }) });

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'plan' });
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.notesOf(on.pr)).toEqual([renderRerunNote('plan', 'invalid-output')]);
    expect(line.dispatches().at(-1)).toEqual({
      stage: 'plan',
      inputs: { pr: String(on.pr), expected_head_sha: on.headSha },
    });
    expect(await line.labelsOf(on.pr)).toEqual(['state:plan']);
    // The next attempt still answers the review.
    expect((await line.ledgerOf(on.pr)).feedback).toEqual(objections);
  });

  it('R-16: parks push-refused, quoting GitHub and counting the session’s spend, when a ruleset refuses the plan’s commit', async () => {
    const on = await atPlan();
    await line.addPushRule(on.headRef, 'required_signatures');
    const dispatched = line.dispatches().length;

    const outcome = await apply(on);

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'push-refused' });
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect(await line.labelsOf(on.pr)).toEqual(['state:needs-attention']);
    const ledger = await line.ledgerOf(on.pr);
    expect(ledger.park?.detail).toContain('Commits must have verified signatures.');
    expect(ledger.stages.plan).toMatchObject({ attempts: 1, dollars: 0.05 });
    expect(line.dispatches()).toHaveLength(dispatched);
  });

  it('R-17: a plan with a control character is a failed attempt, never committed where the merge could not read it', async () => {
    const on = await atPlan();
    const pushes = line.pushes();
    // A NUL makes git and GitHub treat the file as binary: no diff shows it, no merge check scans it.
    const hidden = { ...PLAN, markdown: `\0${PLAN.markdown}` };

    const outcome = await apply(on, { artifact: artifact(on.headSha, hidden) });

    expect(outcome).toEqual({ kind: 'moved', pr: on.pr, to: 'plan' });
    expect(line.pushes()).toBe(pushes);
    expect(await line.notesOf(on.pr)).toEqual([renderRerunNote('plan', 'invalid-output')]);
  });

  it('R-10: parks secret-detected, pushing nothing, when the plan carries secret-looking text', async () => {
    const on = await atPlan();
    const pushes = line.pushes();
    const key = `sk-ant-api03-${'a1B2c3D4e5'.repeat(4)}`;
    const leaky = { ...PLAN, markdown: `${PLAN.markdown}\n\nCall it with \`${key}\`.` };

    const outcome = await apply(on, { artifact: artifact(on.headSha, leaky) });

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'secret-detected' });
    expect(line.pushes()).toBe(pushes);
    expect(await line.branchSha(on.headRef)).toBe(on.headSha);
    expect((await line.ledgerOf(on.pr)).park?.detail).toContain(
      `Secret-looking text added: Anthropic API key in plans/0001-plan-`,
    );
  });

  it('parks diff-too-large, pushing nothing, when the plan alone passes the size limits', async () => {
    const on = await atPlan();
    const pushes = line.pushes();
    const long = { ...PLAN, markdown: Array.from({ length: 40 }, (_, n) => `${n}.`).join('\n') };
    const small = {
      ...line.config,
      diffLimits: { ...line.config.diffLimits, maxChangedLines: 30 },
    };

    const outcome = await applyPlan(
      { github: line.github, config: small, workbench: line.workbench },
      {
        pr: on.pr,
        expectedHeadSha: on.headSha,
        artifact: artifact(on.headSha, long),
        artifactFound: true,
      },
    );

    expect(outcome).toMatchObject({ kind: 'parked', reason: 'diff-too-large' });
    expect(line.pushes()).toBe(pushes);
  });

  it('R-02: stands down with zero writes when the plan was made on an older head', async () => {
    const on = await atPlan();
    const writes = line.writeRequests().length;

    const outcome = await apply(on, { artifact: artifact('0'.repeat(40)) });

    expect(outcome).toMatchObject({ kind: 'stood-down', pr: on.pr });
    expect(line.writeRequests().slice(writes)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { runResume } from '../../src/cli/commands/resume.ts';
import { runStatus } from '../../src/cli/commands/status.ts';
import type { LineStatus } from '../../src/cli/line-status.ts';
import { recordPark } from '../../src/core/status.ts';
import { arrangeLine, ledgerWith, parkedLedger } from './line.ts';
import { clientFor, REPO, startCliForge } from './support.ts';

const repo = { owner: 'octo-owner', repo: 'software-factory' };

/** A PR parked in code review (retries spent), with an unrelated label a person added. */
async function startParked() {
  const fixture = await startCliForge();
  const line = arrangeLine(fixture.forge);
  const pr = await line.queueSpec('0002-csv');
  await line.move(pr, 'code-review', 'code-review', 'needs-attention');
  await line.writeStatus(
    pr,
    'needs-attention',
    parkedLedger(ledgerWith({ 'code-review': 2 }), 'code-review'),
  );
  await clientFor(fixture.forge, 'writer').rest.issues.addLabels({
    ...repo,
    issue_number: pr,
    labels: ['customer'],
  });
  fixture.forge.requestLog.reset();
  return { fixture, line, pr };
}

async function labelsOf(fixture: Awaited<ReturnType<typeof startParked>>['fixture'], pr: number) {
  const { data } = await clientFor(fixture.forge, 'reader').rest.issues.listLabelsOnIssue({
    ...repo,
    issue_number: pr,
  });
  return data.map((label) => label.name).sort();
}

describe('factory resume', { timeout: 30_000 }, () => {
  it('restarts the stage the PR parked in, in one label write by the person, keeping other labels; attempts count from there', async () => {
    const { fixture, pr } = await startParked();
    const deps = fixture.deps('writer');

    expect(await runResume(String(pr), { repo: REPO }, deps)).toBe(0);

    expect(deps.captured.out).toEqual([
      `✓ #${String(pr)} is back on the line at state:code-review; attempts count again from this move.`,
    ]);
    expect(await labelsOf(fixture, pr)).toEqual(['customer', 'state:code-review']);
    expect(fixture.writes()).toEqual(['PUT /repos/{owner}/{repo}/issues/{issue_number}/labels']);
    const moves = fixture.forge.events.filter((event) => event.name === 'pull_request');
    expect(moves.at(-1)?.payload).toMatchObject({ action: 'labeled', sender: { login: 'writer' } });

    const status = fixture.deps('reader');
    await runStatus({ repo: REPO, json: true }, status);
    const { working } = JSON.parse(status.captured.out.join('\n')) as LineStatus;
    expect(working[0]).toMatchObject({ stage: 'code-review', attempt: 1 });
  });

  it('restarts from the stage --from names, as a name or a label', async () => {
    const { fixture, pr } = await startParked();

    expect(
      await runResume(
        `#${String(pr)}`,
        { repo: REPO, from: 'state:plan', json: true },
        fixture.deps(),
      ),
    ).toBe(0);

    expect(await labelsOf(fixture, pr)).toEqual(['customer', 'state:plan']);
  });

  it('sends a PR parked at the queue (its spec failed lint) back to the queue', async () => {
    const { fixture, line, pr } = await startParked();
    await line.writeStatus(
      pr,
      'needs-attention',
      recordPark({ stages: {} }, { reason: 'spec-invalid', detail: 'No criteria.' }),
    );
    fixture.forge.requestLog.reset();

    expect(await runResume(String(pr), { repo: REPO }, fixture.deps())).toBe(0);
    expect(await labelsOf(fixture, pr)).toEqual(['customer', 'state:queued']);
  });

  it.each([
    [
      'an unknown PR',
      '99',
      {},
      'error: There is no pull request #99 on octo-owner/software-factory.',
    ],
    [
      'an unknown stage',
      'PR',
      { from: 'deploy' },
      'error: "deploy" is not a stage. Resume from one of: queued, plan, plan-review, implementation, implementation-ci, code-review, merge.',
    ],
    [
      'a PR number that is not one',
      'twelve',
      {},
      'error: "twelve" is not a pull request number (e.g. 12 or #12).',
    ],
  ])(
    'refuses %s with a clear message and writes nothing',
    async (_what, prText, flags, message) => {
      const { fixture, pr } = await startParked();
      const deps = fixture.deps();

      expect(
        await runResume(prText === 'PR' ? String(pr) : prText, { repo: REPO, ...flags }, deps),
      ).toBe(1);

      expect(deps.captured.err).toEqual([message]);
      expect(fixture.writes()).toEqual([]);
    },
  );

  it('refuses a PR that is not parked, a closed one, and a park with no stage recorded, writing nothing', async () => {
    const { fixture, line, pr } = await startParked();
    const working = await line.queueSpec('0003-pdf');
    await line.move(working, 'implementation');
    const closed = await line.queueSpec('0004-xml');
    await line.move(closed, 'needs-attention');
    await clientFor(fixture.forge, 'writer').rest.pulls.update({
      ...repo,
      pull_number: closed,
      state: 'closed',
    });
    await line.writeStatus(
      pr,
      'needs-attention',
      recordPark({ stages: {} }, { reason: 'state-lost', detail: 'Gone.' }),
    );
    fixture.forge.requestLog.reset();

    const refusal = async (prNumber: number) => {
      const deps = fixture.deps();
      expect(await runResume(String(prNumber), { repo: REPO }, deps)).toBe(1);
      return deps.captured.err[0];
    };
    expect(await refusal(working)).toBe(
      `error: #${String(working)} is not parked (it is at state:implementation): only a PR at state:needs-attention can be resumed.`,
    );
    expect(await refusal(closed)).toBe(
      `error: #${String(closed)} is closed: only open PRs can be resumed.`,
    );
    expect(await refusal(pr)).toBe(
      'error: The status comment does not say which stage the PR parked in: pass --from <stage>.',
    );
    expect(fixture.writes()).toEqual([]);
  });

  it('stops at GitHub’s refusal for a reader, and the PR stays parked', async () => {
    const { fixture, pr } = await startParked();
    const deps = fixture.deps('reader');

    expect(await runResume(String(pr), { repo: REPO }, deps)).toBe(1);

    expect(deps.captured.err).toEqual([
      'error: GitHub setState failed (403): Must have push access to repository',
    ]);
    expect(await labelsOf(fixture, pr)).toEqual(['customer', 'state:needs-attention']);
  });
});

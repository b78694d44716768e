import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import { CI_STATUS_CONTEXT, runGate, type GateInput } from '../../src/stages/gate.ts';
import { createFakeGitHub, type FakeGitHub } from '../fakes/fake-github.ts';

const config = defaultConfig();
let github: FakeGitHub;

beforeEach(() => {
  github = createFakeGitHub();
  github.openPullRequest(7, { state: 'queued', headSha: 'sha-1' });
  github.factorySets(7, 'implementation-ci');
});

const gate = (input: Partial<GateInput> = {}) =>
  runGate(
    { github: github.port, config },
    {
      pr: 7,
      expectedHeadSha: 'sha-1',
      ciSha: 'sha-1',
      ciConclusion: 'success',
      runUrl: 'https://ci.test/1',
      ...input,
    },
  );

describe('the implementation-ci gate', () => {
  it('publishes a green status on the exact head and hands over to code review', async () => {
    expect(await gate()).toEqual({ kind: 'moved', pr: 7, to: 'code-review' });
    expect(github.writes[0]).toEqual({
      verb: 'setCommitStatus',
      sha: 'sha-1',
      status: {
        context: CI_STATUS_CONTEXT,
        state: 'success',
        description: 'CI passed on this exact commit',
        targetUrl: 'https://ci.test/1',
      },
    });
    expect(github.writes.at(-1)).toEqual({
      verb: 'dispatch',
      stage: 'code-review',
      inputs: { pr: 7, expectedHeadSha: 'sha-1' },
    });
  });

  it('publishes a red status and sends the PR back to the implementer', async () => {
    expect(await gate({ ciConclusion: 'failure' })).toEqual({
      kind: 'moved',
      pr: 7,
      to: 'implementation',
    });
    expect(github.writes[0]).toMatchObject({ status: { state: 'failure' } });
  });

  it('runs the gate again, without charging the implementer, when CI was cancelled (R-07)', async () => {
    expect(await gate({ ciConclusion: 'cancelled' })).toEqual({
      kind: 'moved',
      pr: 7,
      to: 'implementation-ci',
    });
    expect(github.writes[0]).toMatchObject({
      status: { state: 'failure', description: 'CI cancelled on this exact commit' },
    });
    expect(github.writes.at(-1)).toMatchObject({ verb: 'dispatch', stage: 'implementation-ci' });
  });

  it.each(['skipped', 'failure'] as const)(
    'treats a %s CI run as not green (R-07)',
    async (ciConclusion) => {
      expect(await gate({ ciConclusion })).toMatchObject({ to: 'implementation' });
      expect(github.writes[0]).toMatchObject({
        status: { state: 'failure', description: `CI ${ciConclusion} on this exact commit` },
      });
    },
  );

  it('stands down, writing nothing, when CI ran on another commit than the head', async () => {
    expect(await gate({ ciSha: 'sha-0' })).toMatchObject({ kind: 'stood-down' });
    expect(github.writes).toEqual([]);
  });

  it('stands down, writing nothing, when a person moved the PR during CI (R-19)', async () => {
    github.personSets(7, 'needs-attention');
    expect(await gate()).toMatchObject({
      kind: 'stood-down',
      reason: expect.stringContaining('no longer in state:implementation-ci'),
    });
    expect(github.writes).toEqual([]);
  });

  it('publishes no status when a person moves the PR while the gate runs (R-19)', async () => {
    github.duringNextTimelineRead(() => {
      github.personSets(7, 'needs-attention');
    });
    expect(await gate()).toMatchObject({ kind: 'stood-down' });
    expect(github.writes).toEqual([]);
  });

  it('parks after CI stayed red through every implementation attempt (R-05)', async () => {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      github.factorySets(7, 'implementation');
      github.factorySets(7, 'implementation-ci');
      const outcome = await gate({ ciConclusion: 'failure' });
      if (attempt < 3) expect(outcome).toMatchObject({ kind: 'moved', to: 'implementation' });
      else expect(outcome).toMatchObject({ kind: 'parked', reason: 'retries-exhausted' });
    }
    expect(github.stateOf(7)).toEqual(['needs-attention']);
  });
});

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import { run } from '../../src/entrypoints/jobs/apply.ts';
import { OUTCOME_FILE } from '../../src/entrypoints/outcome-files.ts';
import type { StageContext } from '../../src/entrypoints/wiring.ts';
import type { AgentArtifact } from '../../src/stages/agent-artifact.ts';
import { actionsEnvironment } from './environment.ts';
import { createFakeGitHub, type FakeGitHub } from '../fakes/fake-github.ts';

const HEAD = 'a'.repeat(40);

const ARTIFACT: AgentArtifact = {
  role: 'plan-reviewer',
  stopReason: 'submitted',
  detail: '',
  headSha: HEAD,
  submission: { verdict: 'APPROVE', summary: 'Fine.', objections: [] },
  model: 'claude-sonnet-4-6',
  usage: { input: 9_000, output: 1_000, cacheRead: 0, cacheWrite: 0 },
  dollars: 0.42,
  turns: 3,
};

/** The plan-review apply job, handed `artifact` as its agent job left it. */
async function applyJob(github: FakeGitHub, artifact: AgentArtifact) {
  const workspace = await mkdtemp(join(tmpdir(), 'apply-entry-'));
  await mkdir(join(workspace, 'outcome'));
  await writeFile(join(workspace, 'outcome', OUTCOME_FILE), JSON.stringify(artifact));
  const context: StageContext = {
    env: actionsEnvironment(workspace),
    inputs: {
      stage: 'plan-review',
      job: 'apply',
      pr: 7,
      expectedHeadSha: HEAD,
      githubToken: 'ghs_job',
      workspace: 'work',
      outcome: 'outcome',
    },
    github: github.port,
    config: defaultConfig(),
    workbench: { checkoutHead: () => Promise.reject(new Error('a review clones nothing')) },
    runUrl: 'https://github.com/octo-owner/line/actions/runs/1',
    inWorkspace: (relative) => join(workspace, relative),
    firstRequestSent: Promise.resolve(),
  };
  return run(context);
}

describe('the apply job’s report on the run page', () => {
  it('R-19: says what the session spent when the PR moved on before its result could land, writing nothing to the PR', async () => {
    const github = createFakeGitHub();
    github.openPullRequest(7, { state: 'plan-review', headSha: HEAD });
    github.personSets(7, 'needs-attention');

    const result = await applyJob(github, ARTIFACT);

    expect(result.summary).toBe(
      [
        '- PR #7: stood down, PR #7 is no longer in state:plan-review (now state:needs-attention)',
        "- The session spent $0.42 (10000 tokens), which the PR's status comment does not count: the PR moved on before its result could land.",
      ].join('\n'),
    );
    expect(github.writes).toEqual([]);
  });

  it('says nothing of spend when the session cost nothing', async () => {
    const github = createFakeGitHub();
    github.openPullRequest(7, { state: 'plan-review', headSha: HEAD });
    github.personSets(7, 'needs-attention');

    const result = await applyJob(github, { ...ARTIFACT, dollars: 0 });

    expect(result.summary).not.toContain('spent');
  });
});

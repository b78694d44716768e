import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createForge } from '../../../src/twin/forge/index.ts';
import type { Forge } from '../../../src/twin/forge/index.ts';
import { createRunner } from '../../../src/twin/runner/index.ts';
import type { Runner } from '../../../src/twin/runner/index.ts';
import { FIXTURES, jobLog } from './harness.ts';

const fixture = (name: string): string => readFileSync(join(FIXTURES, 'forge', name), 'utf8');

let forge: Forge | undefined;
let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  await forge?.close();
});

describe('the runner on the twin forge', () => {
  it(
    "R-01: a person's label runs a stage whose default-token label starts nothing and whose dispatch runs the next",
    { timeout: 60_000 },
    async () => {
      forge = await createForge({
        seed: {
          files: {
            'README.md': '# Widgets\n',
            '.github/workflows/stage.yml': fixture('stage.yml'),
            '.github/workflows/next.yml': fixture('next.yml'),
            '.github/scripts/advance.mjs': fixture('advance.mjs.fixture'),
          },
        },
      });
      runner = createRunner(forge, { maxParallelJobs: 1 });
      const number = await forge.openPullRequest('writer', {
        branch: 'spec/0001',
        files: { 'spec.md': '# Spec 0001\n' },
        title: 'Spec 0001',
        labels: ['state:plan'],
      });
      await runner.idle();

      const runs = runner.runs();
      expect(
        runs.map((run) => [run.name, run.event, run.action, run.triggeredBy, run.conclusion]),
      ).toEqual([
        ['Stage', 'pull_request', 'labeled', 'user', 'success'],
        ['Next stage', 'workflow_dispatch', null, 'default-token', 'success'],
      ]);
      const stage = runs[0];
      expect(stage?.jobs[0]?.token?.scopes).toEqual({
        contents: 'read',
        issues: 'write',
        'pull-requests': 'write',
        actions: 'write',
      });
      expect(stage?.jobs[0]?.concurrencyGroup).toBe(`pr-${String(number)}`);
      expect(jobLog(stage, 'advance')).toContain('# Spec 0001');
      expect(jobLog(stage, 'advance')).toContain(`POST /issues/${String(number)}/labels -> 200`);
      expect(jobLog(stage, 'advance')).toContain('/dispatches -> 204');
      expect(jobLog(runs[1], 'next')).toContain(`next stage for PR ${String(number)}`);

      const labeled = forge.events
        .filter((event) => event.action === 'labeled')
        .map((event) => event.tokenKind);
      expect(labeled).toEqual(['user', 'default-token']);

      const response = await fetch(
        `${forge.apiUrl}/repos/${forge.repository.owner}/${forge.repository.name}/actions/runs`,
        {
          headers: { authorization: `Bearer ${forge.as('reader')}` },
        },
      );
      const listed = (await response.json()) as {
        workflow_runs: { name: string; status: string; conclusion: string }[];
      };
      expect(
        listed.workflow_runs.map((run) => [run.name, run.status, run.conclusion]).sort(),
      ).toEqual([
        ['Next stage', 'completed', 'success'],
        ['Stage', 'completed', 'success'],
      ]);
    },
  );
});

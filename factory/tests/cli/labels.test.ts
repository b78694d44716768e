import { describe, expect, it } from 'vitest';
import { planLabelSync, runLabelsSync } from '../../src/cli/commands/labels.ts';
import { STATE_LABELS } from '../../src/core/states.ts';
import { REPO, startCliForge, clientFor } from './support.ts';
import { isWrite } from '../../src/twin/forge/index.ts';

describe('factory labels sync', { timeout: 30_000 }, () => {
  it('creates every state label on a bare repository, then finds nothing to do on a second run', async () => {
    const fixture = await startCliForge();
    const first = fixture.deps();

    expect(await runLabelsSync({ repo: REPO }, first)).toBe(0);
    expect(first.captured.out.at(-1)).toBe(`8 created, 0 updated, 0 unchanged on ${REPO}`);
    expect(first.captured.out).toContain('+ created state:queued');

    const second = fixture.deps();
    fixture.forge.requestLog.reset();
    expect(await runLabelsSync({ repo: REPO, json: true }, second)).toBe(0);
    const report = JSON.parse(second.captured.out.join('\n')) as { unchanged: string[] };
    expect(report).toMatchObject({ created: [], updated: [], dryRun: false });
    expect(report.unchanged).toEqual(STATE_LABELS.map((label) => label.name));
    expect(fixture.writes()).toEqual([]);
  });

  it('updates a drifted colour and a label whose name differs only in case', async () => {
    const fixture = await startCliForge();
    const octokit = clientFor(fixture.forge, 'writer');
    const repo = { owner: 'octo-owner', repo: 'software-factory' };
    await octokit.rest.issues.createLabel({
      ...repo,
      name: 'State:Queued',
      color: 'ededed',
      description: 'Spec waiting for the factory to pick it up',
    });
    await octokit.rest.issues.createLabel({ ...repo, name: 'state:plan', color: '000000' });
    const deps = fixture.deps();

    expect(await runLabelsSync({ repo: REPO, json: true }, deps)).toBe(0);

    const report = JSON.parse(deps.captured.out.join('')) as {
      created: string[];
      updated: string[];
    };
    expect(report.updated).toEqual(['state:queued', 'state:plan']);
    expect(report.created).toHaveLength(6);
    const labels = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, repo);
    expect(labels.map((label) => label.name).sort()).toEqual(
      STATE_LABELS.map((label) => label.name).sort(),
    );
    expect(labels.find((label) => label.name === 'state:plan')?.color).toBe('c5def5');
  });

  it('changes nothing with --dry-run and says what it would do', async () => {
    const fixture = await startCliForge();
    const deps = fixture.deps();

    expect(await runLabelsSync({ repo: REPO, dryRun: true }, deps)).toBe(0);

    expect(deps.captured.out).toContain('+ would create state:merge');
    expect(deps.captured.out.at(-1)).toBe(`8 to create, 0 to update, 0 unchanged on ${REPO}`);
    expect(fixture.writes()).toEqual([]);
  });

  it('refuses a reader with GitHub’s reason and exit code 1, having written nothing', async () => {
    const fixture = await startCliForge();
    const deps = fixture.deps('reader');

    expect(await runLabelsSync({ repo: REPO }, deps)).toBe(1);

    expect(deps.captured.err).toEqual([
      'error: GitHub createLabel failed (403): Must have push access to repository',
    ]);
    expect(JSON.stringify(deps.captured)).not.toContain(fixture.forge.as('reader'));
    expect(fixture.forge.requestLog.entries().filter((e) => isWrite(e) && e.status < 300)).toEqual(
      [],
    );
  });

  it('plans from names without case, and leaves unrelated labels alone', () => {
    const plan = planLabelSync([
      { name: 'bug', color: 'd73a4a', description: '' },
      {
        name: 'STATE:MERGE',
        color: '0e8a16',
        description: 'Rebasing, re-testing and squash-merging',
      },
    ]);
    expect(plan.update.map((label) => label.name)).toEqual(['state:merge']);
    expect(plan.create).toHaveLength(7);
    expect(plan.unchanged).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { runQueue } from '../../src/cli/commands/queue.ts';
import { createCheckout, REPO, specText, startCliForge, clientFor } from './support.ts';

const repo = { owner: 'octo-owner', repo: 'software-factory' };
const GOOD = specText('Export to CSV', 'People can export their widgets.');

describe('factory queue', { timeout: 30_000 }, () => {
  it('commits the spec to a new branch, opens its PR with the spec’s title and labels it state:queued as the person', async () => {
    const fixture = await startCliForge();
    const dir = await createCheckout({ 'specs/0002-export-csv.md': GOOD });
    const deps = fixture.deps('writer', { cwd: dir });

    expect(await runQueue('specs/0002-export-csv.md', { repo: REPO }, deps)).toBe(0);

    expect(deps.captured.out[0]).toBe(
      `✓ Queued specs/0002-export-csv.md as #1 on ${REPO} (branch spec/0002-export-csv, state:queued).`,
    );
    const octokit = clientFor(fixture.forge, 'reader');
    const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
    expect(pull).toMatchObject({
      title: 'Export to CSV',
      head: { ref: 'spec/0002-export-csv' },
      base: { ref: 'main' },
    });
    expect(pull.labels.map((label) => label.name)).toEqual(['state:queued']);
    const files = await octokit.rest.pulls.listFiles({ ...repo, pull_number: 1 });
    expect(files.data.map((file) => file.filename)).toEqual(['specs/0002-export-csv.md']);
    const { data: content } = await octokit.rest.repos.getContent({
      ...repo,
      path: 'specs/0002-export-csv.md',
      ref: 'spec/0002-export-csv',
    });
    expect('content' in content && Buffer.from(content.content, 'base64').toString('utf8')).toBe(
      GOOD,
    );
    const timeline = await octokit.rest.issues.listEventsForTimeline({ ...repo, issue_number: 1 });
    expect(timeline.data).toContainEqual(
      expect.objectContaining({
        event: 'labeled',
        actor: expect.objectContaining({ login: 'writer' }) as unknown,
      }),
    );
  });

  it('refuses a spec that fails lint, printing the findings, and writes nothing', async () => {
    const fixture = await startCliForge();
    const dir = await createCheckout({ 'specs/0003-broken.md': '# Broken\n\n## Goal\n\nIt.\n' });
    const deps = fixture.deps('writer', { cwd: dir });

    expect(await runQueue('specs/0003-broken.md', { repo: REPO }, deps)).toBe(1);

    expect(deps.captured.err[0]).toBe(
      'Not queued: specs/0003-broken.md does not pass lint. Nothing was written.',
    );
    expect(deps.captured.err.join('\n')).toContain('error criteria-missing');
    expect(fixture.writes()).toEqual([]);
  });

  it('refuses a number another open PR already uses, and writes nothing', async () => {
    const fixture = await startCliForge();
    await fixture.forge.openPullRequest('writer', {
      branch: 'spec/0002-other',
      files: { 'specs/0002-other.md': GOOD },
      title: 'Other',
    });
    fixture.forge.requestLog.reset();
    const dir = await createCheckout({ 'specs/0002-export-csv.md': GOOD });
    const deps = fixture.deps('writer', { cwd: dir });

    expect(await runQueue('specs/0002-export-csv.md', { repo: REPO }, deps)).toBe(1);

    expect(deps.captured.err.join('\n')).toContain(
      'error number-collision: Spec number 0002 is already used by `specs/0002-other.md`.',
    );
    expect(fixture.writes()).toEqual([]);
  });

  it('refuses when the branch already exists, or the spec is already on main, and writes nothing', async () => {
    const fixture = await startCliForge();
    await fixture.forge.commit('writer', {
      branch: 'spec/0002-export-csv',
      files: { 'x.txt': 'x\n' },
    });
    fixture.forge.requestLog.reset();
    const dir = await createCheckout({
      'specs/0002-export-csv.md': GOOD,
      'specs/0001-word-count.md': specText('Word count', 'Counts words.'),
    });

    const taken = fixture.deps('writer', { cwd: dir });
    expect(await runQueue('specs/0002-export-csv.md', { repo: REPO }, taken)).toBe(1);
    expect(taken.captured.err).toEqual([
      'error: Branch spec/0002-export-csv already exists: open its pull request, or delete the branch and queue again.',
    ]);

    const merged = fixture.deps('writer', { cwd: dir });
    expect(await runQueue('specs/0001-word-count.md', { repo: REPO }, merged)).toBe(1);
    expect(merged.captured.err).toEqual([
      'error: specs/0001-word-count.md is already on main: queue a new spec with its own number.',
    ]);
    expect(fixture.writes()).toEqual([]);
  });

  it('stops at GitHub’s refusal for a reader, with nothing created', async () => {
    const fixture = await startCliForge();
    const dir = await createCheckout({ 'specs/0002-export-csv.md': GOOD });
    const deps = fixture.deps('reader', { cwd: dir });

    expect(await runQueue('specs/0002-export-csv.md', { repo: REPO }, deps)).toBe(1);

    expect(deps.captured.err).toEqual([
      'error: GitHub createBranch failed (403): Must have push access to repository',
    ]);
    expect((await fixture.forge.readRefs()).has('refs/heads/spec/0002-export-csv')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { runLint } from '../../src/cli/commands/lint.ts';
import { createCheckout, REPO, specText, startCliForge, type CliFixture } from './support.ts';

const GOOD = specText('Export to CSV', 'People can export their widgets.');
const NO_CRITERIA = '# Broken\n\n## Goal\n\nSomething.\n';

interface Captured {
  readonly out: string[];
  readonly err: string[];
}

/** Deps for an offline lint in `cwd`: no token, no forge. */
function offline(cwd: string): Parameters<typeof runLint>[2] & { captured: Captured } {
  const captured: Captured = { out: [], err: [] };
  return {
    io: {
      out: (line) => captured.out.push(line),
      err: (line) => captured.err.push(line),
      color: false,
    },
    env: {},
    cwd,
    captured,
  };
}

describe('factory lint', { timeout: 30_000 }, () => {
  it('passes a good spec with exit 0 and says so', async () => {
    const dir = await createCheckout({ 'specs/0002-export-csv.md': GOOD });
    const deps = offline(dir);

    expect(await runLint(['specs/0002-export-csv.md'], {}, deps)).toBe(0);

    expect(deps.captured.out).toEqual(['✓ 1 spec checked, no findings']);
  });

  it('reports each finding as file:line with the fix, and exits 1 on an error', async () => {
    const dir = await createCheckout({ 'specs/0003-broken.md': NO_CRITERIA });
    const deps = offline(dir);

    expect(await runLint(['specs/0003-broken.md'], {}, deps)).toBe(1);

    expect(deps.captured.out[0]).toMatch(
      /^specs\/0003-broken\.md(:\d+)?: error criteria-missing: /,
    );
    expect(deps.captured.out[1]).toBe(
      '    fix: Add an `## Acceptance criteria` section with a task list: `- [ ] one checkable behaviour`.',
    );
    expect(deps.captured.out.at(-1)).toBe('✗ 1 error(s), 0 warning(s) in 1 spec');
  });

  it('finds a number already used in the checkout, an unknown depends-on, and two new specs that collide', async () => {
    const dir = await createCheckout({
      'specs/0001-word-count.md': GOOD,
      'specs/0001-other.md': GOOD,
      'specs/0004-needs-nine.md': specText('Nine', 'Needs nine.', 'depends-on: [9]'),
      'specs/0005-a.md': GOOD,
      'specs/0005-b.md': GOOD,
    });
    const deps = offline(dir);

    const code = await runLint(
      ['specs/0001-other.md', 'specs/0004-needs-nine.md', 'specs/0005-a.md'],
      { json: true },
      deps,
    );

    expect(code).toBe(1);
    const { specs } = JSON.parse(deps.captured.out.join('\n')) as {
      specs: { path: string; ok: boolean; findings: { code: string; line?: number }[] }[];
    };
    expect(specs.map((spec) => [spec.path, spec.findings.map((f) => f.code)])).toEqual([
      ['specs/0001-other.md', ['number-collision']],
      ['specs/0004-needs-nine.md', ['depends-on-unknown']],
      ['specs/0005-a.md', ['number-collision']],
    ]);
    expect(specs[1]?.findings[0]?.line).toBe(2);
  });

  it('exits 0 on warnings alone', async () => {
    const dir = await createCheckout({
      'specs/0006-checked.md': GOOD.replace('- [ ]', '- [x]'),
    });
    const deps = offline(dir);

    expect(await runLint(['specs/0006-checked.md'], {}, deps)).toBe(0);
    expect(deps.captured.out.join('\n')).toContain('warning criterion-checked');
  });

  it('with --repo, knows the specs on main and in open pull requests, not the checkout’s', async () => {
    const fixture: CliFixture = await startCliForge();
    await fixture.forge.openPullRequest('writer', {
      branch: 'spec/0007-queued',
      files: { 'specs/0007-queued.md': GOOD },
      title: 'Queued',
    });
    fixture.forge.requestLog.reset();
    const dir = await createCheckout({
      'specs/0007-mine.md': GOOD,
      'specs/0008-after-word-count.md': specText('After', 'After 1.', 'depends-on: [1]'),
    });
    const deps = fixture.deps('reader', { cwd: dir });

    const code = await runLint(
      ['specs/0007-mine.md', 'specs/0008-after-word-count.md'],
      { repo: REPO },
      deps,
    );

    expect(code).toBe(1);
    expect(deps.captured.out[0]).toBe(
      'specs/0007-mine.md: error number-collision: Spec number 0007 is already used by `specs/0007-queued.md`.',
    );
    expect(deps.captured.out.join('\n')).not.toContain('0008');
    expect(fixture.writes()).toEqual([]);
  });

  it('refuses a file that does not exist, by name', async () => {
    const dir = await createCheckout({});
    const deps = offline(dir);

    expect(await runLint(['specs/0009-missing.md'], {}, deps)).toBe(1);
    expect(deps.captured.err).toEqual(['error: Cannot read specs/0009-missing.md: no such file.']);
  });
});

import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTIONS_BOT_IDENTITY, GitError } from '../../../src/adapters/git/index.ts';
import {
  cloneOf,
  commitToRemote,
  createRemote,
  PERSON,
  readText,
  scratch,
  sh,
  writeFiles,
} from './support.ts';

const WORKFLOWS = '.github/workflows/';
const SEED = {
  'src/count.ts': 'export const count = 1;\n',
  '.github/workflows/ci.yml': 'name: ci\n',
  'docs/guide.md': '# Guide\n',
};

/** A remote whose `feature` branch adds a file on top of main, and a checkout of that branch. */
async function featureBranch(files: Record<string, string> = { 'src/feature.ts': 'export {};\n' }) {
  const remote = await createRemote(SEED);
  const featureSha = await commitToRemote(remote.dir, 'feature', files, 'add feature');
  const checkout = await cloneOf(remote, 'feature');
  return { remote, featureSha, checkout };
}

describe('git adapter commits', { timeout: 20_000 }, () => {
  it('commits everything with the given author, the bot as committer and the injected date', async () => {
    const remote = await createRemote(SEED);
    const git = await cloneOf(remote);
    await writeFiles(git.dir, { 'src/count.ts': 'export const count = 2;\n', 'src/new.ts': 'x\n' });

    const result = await git.commitAll({
      message: '-n looks like an option\n\nbody line',
      author: PERSON,
    });

    expect(result).toEqual({ kind: 'committed', sha: await git.headSha() });
    const format = '%an <%ae>|%cn <%ce>|%aI|%cI|%B';
    expect(await sh(git.dir, 'log', '-1', `--format=${format}`)).toBe(
      `Ada Writer <ada@example.com>|${ACTIONS_BOT_IDENTITY.name} <${ACTIONS_BOT_IDENTITY.email}>|` +
        '2026-01-02T03:04:05+00:00|2026-01-02T03:04:05+00:00|-n looks like an option\n\nbody line',
    );
    expect(await git.dirtyPaths()).toEqual([]);
  });

  it('makes the same commit SHA from the same change in two checkouts', async () => {
    const remote = await createRemote(SEED);
    const shas = [];
    for (const git of [await cloneOf(remote), await cloneOf(remote)]) {
      await writeFiles(git.dir, { 'src/new.ts': 'same\n' });
      shas.push(await git.commitAll({ message: 'same', author: PERSON }));
    }
    expect(shas[0]).toEqual(shas[1]);
  });

  it('reports nothing to commit for a clean work tree instead of failing', async () => {
    const git = await cloneOf(await createRemote(SEED));
    const before = await git.headSha();
    expect(await git.commitAll({ message: 'empty', author: PERSON })).toEqual({
      kind: 'nothing-to-commit',
    });
    expect(await git.headSha()).toBe(before);
  });

  it('runs no hook of the repository and reads no user configuration', async () => {
    const remote = await createRemote(SEED);
    const home = await scratch();
    // A user config that would hide the change from `add --all` and sign commits without a key.
    await writeFile(join(home, 'ignore'), '*.ts\n');
    const userConfig = `[core]\n\texcludesFile = ${join(home, 'ignore')}\n[commit]\n\tgpgSign = true\n`;
    await writeFile(join(home, '.gitconfig'), userConfig);
    const git = await cloneOf(remote, undefined, {
      env: { HOME: home, GIT_CONFIG_GLOBAL: join(home, '.gitconfig') },
    });
    // Hooks that `--no-verify` would not skip: one could rewrite the message, one sees the commit.
    for (const name of ['prepare-commit-msg', 'post-commit']) {
      const hook = join(git.dir, '.git/hooks', name);
      await writeFile(hook, `#!/bin/sh\ntouch "${join(home, 'hook-ran')}"\n`);
      await chmod(hook, 0o755);
    }
    await writeFiles(git.dir, { 'src/new.ts': 'x\n' });

    const result = await git.commitAll({ message: 'no hooks', author: PERSON });

    expect(result.kind).toBe('committed');
    expect(existsSync(join(home, 'hook-ran'))).toBe(false);
    expect(await sh(git.dir, 'log', '-1', '--format=%an')).toBe('Ada Writer');
  });

  it('starts no filesystem monitor that the repository’s .git/config names', async () => {
    const git = await cloneOf(await createRemote(SEED));
    const home = await scratch();
    const monitor = join(home, 'monitor.sh');
    await writeFile(monitor, `#!/bin/sh\ntouch "${join(home, 'monitor-ran')}"\n`);
    await chmod(monitor, 0o755);
    await sh(git.dir, 'config', 'core.fsmonitor', monitor);
    await writeFiles(git.dir, { 'src/new.ts': 'x\n' });

    expect((await git.commitAll({ message: 'no monitor', author: PERSON })).kind).toBe('committed');
    expect(existsSync(join(home, 'monitor-ran'))).toBe(false);
  });
});

describe('git adapter environment', { timeout: 20_000 }, () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('passes none of the parent process variables to git, so none can redirect or read it', async () => {
    const git = await cloneOf(await createRemote(SEED));
    vi.stubEnv('GIT_DIR', '/nonexistent/.git');
    vi.stubEnv('GIT_INDEX_FILE', '/nonexistent/index');
    vi.stubEnv('GIT_CONFIG_PARAMETERS', "'user.name'='Leak'");
    await writeFiles(git.dir, { 'src/new.ts': 'x\n' });

    const result = await git.commitAll({ message: 'here', author: PERSON });

    expect(result).toEqual({ kind: 'committed', sha: await git.headSha() });
    expect(await sh(git.dir, 'log', '-1', '--format=%s')).toBe('here');
  });
});

describe('git adapter rebase', { timeout: 20_000 }, () => {
  it('rebases a branch onto a main that moved, keeping its author', async () => {
    const { remote, featureSha, checkout } = await featureBranch();
    const mainSha = await commitToRemote(remote.dir, 'main', { 'docs/guide.md': '# Guide v2\n' });

    const fetched = await checkout.fetch('main');
    const result = await checkout.rebaseOnto({ upstream: fetched });

    expect(fetched).toBe(mainSha);
    expect(result).toEqual({ kind: 'rebased', headSha: await checkout.headSha() });
    expect(await sh(checkout.dir, 'rev-parse', 'HEAD~1')).toBe(mainSha);
    expect(await sh(checkout.dir, 'log', '-1', '--format=%an|%cn|%s')).toBe(
      `Test|${ACTIONS_BOT_IDENTITY.name}|add feature`,
    );
    expect(await readText(checkout.dir, 'docs/guide.md')).toBe('# Guide v2\n');
    expect(await checkout.headSha()).not.toBe(featureSha);
  });

  it('reports up-to-date when main is already in the branch and moves nothing', async () => {
    const { remote, featureSha, checkout } = await featureBranch();
    expect(await checkout.rebaseOnto({ upstream: remote.mainSha })).toEqual({
      kind: 'up-to-date',
      headSha: featureSha,
    });
    expect(await checkout.headSha()).toBe(featureSha);
  });

  it('returns a conflict as a result, aborts the rebase and leaves the work tree clean (R-18)', async () => {
    const { remote, featureSha, checkout } = await featureBranch({
      'src/count.ts': 'export const count = 2;\n',
      'src/feature.ts': 'export {};\n',
    });
    await commitToRemote(remote.dir, 'main', { 'src/count.ts': 'export const count = 3;\n' });

    const result = await checkout.rebaseOnto({ upstream: await checkout.fetch('main') });

    expect(result).toEqual({
      kind: 'conflict',
      files: ['src/count.ts'],
      message: expect.stringContaining('CONFLICT (content): Merge conflict in src/count.ts'),
    });
    expect(await checkout.headSha()).toBe(featureSha);
    expect(await checkout.dirtyPaths()).toEqual([]);
    expect(await sh(checkout.dir, 'status', '--porcelain=v2', '--branch')).not.toMatch(/rebase/i);
    expect(await readText(checkout.dir, 'src/count.ts')).toBe('export const count = 2;\n');
  });

  it('throws a GitError naming the subcommand when local changes stop the rebase from starting', async () => {
    const { remote, featureSha, checkout } = await featureBranch();
    const mainSha = await commitToRemote(remote.dir, 'main', { 'docs/guide.md': '# v2\n' });
    await checkout.fetch('main');
    await writeFiles(checkout.dir, { 'src/count.ts': 'uncommitted\n' });

    const failure = await checkout
      .rebaseOnto({ upstream: mainSha })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(GitError);
    expect(failure).toMatchObject({ subcommand: 'rebase', exitCode: expect.any(Number) });
    expect(await checkout.headSha()).toBe(featureSha);
    expect(await readText(checkout.dir, 'src/count.ts')).toBe('uncommitted\n');
  });
});

describe('git adapter merge of main into the branch (R-18)', { timeout: 20_000 }, () => {
  const CONFLICTING = {
    'src/count.ts': 'export const count = 2;\n',
    'src/feature.ts': 'export {};\n',
  };
  const message = 'Merge main into the branch';

  it('merges a main that moved with a merge commit whose parents are the branch and main', async () => {
    const { remote, featureSha, checkout } = await featureBranch();
    const mainSha = await commitToRemote(remote.dir, 'main', { 'docs/guide.md': '# Guide v2\n' });

    const result = await checkout.mergeIn({
      upstream: await checkout.fetch('main'),
      message,
      keepConflicts: false,
    });

    expect(result).toEqual({ kind: 'merged', headSha: await checkout.headSha() });
    expect(await sh(checkout.dir, 'log', '-1', '--format=%P|%an|%cn|%B')).toBe(
      `${featureSha} ${mainSha}|${ACTIONS_BOT_IDENTITY.name}|${ACTIONS_BOT_IDENTITY.name}|${message}`,
    );
    expect(await readText(checkout.dir, 'docs/guide.md')).toBe('# Guide v2\n');
    expect(await checkout.hasMergesSince(mainSha)).toBe(true);
  });

  it('reports up-to-date when main is already in the branch, and a linear branch has no merges', async () => {
    const { remote, featureSha, checkout } = await featureBranch();

    expect(
      await checkout.mergeIn({ upstream: remote.mainSha, message, keepConflicts: false }),
    ).toEqual({ kind: 'up-to-date', headSha: featureSha });
    expect(await checkout.hasMergesSince(remote.mainSha)).toBe(false);
  });

  it('aborts a conflicting merge and leaves the checkout as it was', async () => {
    const { remote, featureSha, checkout } = await featureBranch(CONFLICTING);
    await commitToRemote(remote.dir, 'main', { 'src/count.ts': 'export const count = 3;\n' });

    const result = await checkout.mergeIn({
      upstream: await checkout.fetch('main'),
      message,
      keepConflicts: false,
    });

    expect(result).toEqual({
      kind: 'conflict',
      headSha: undefined,
      files: ['src/count.ts'],
      unmarked: [],
      message: expect.stringContaining('CONFLICT (content): Merge conflict in src/count.ts'),
    });
    expect(await checkout.headSha()).toBe(featureSha);
    expect(await checkout.dirtyPaths()).toEqual([]);
  });

  it('never commits a conflict git cannot mark (a file deleted on one side), even when asked to keep it', async () => {
    const { remote, featureSha, checkout } = await featureBranch(CONFLICTING);
    await commitToRemote(remote.dir, 'main', { 'src/count.ts': null });

    const result = await checkout.mergeIn({
      upstream: await checkout.fetch('main'),
      message,
      keepConflicts: true,
    });

    expect(result).toMatchObject({
      kind: 'conflict',
      headSha: undefined,
      files: ['src/count.ts'],
      unmarked: ['src/count.ts'],
    });
    expect(await checkout.headSha()).toBe(featureSha);
    expect(await checkout.dirtyPaths()).toEqual([]);
  });

  it('finds the markers a branch adds, and none in a clean one', async () => {
    const { remote, checkout } = await featureBranch(CONFLICTING);
    await commitToRemote(remote.dir, 'main', { 'src/count.ts': 'export const count = 3;\n' });
    const upstream = await checkout.fetch('main');
    expect(await checkout.filesWithLeftoverMarkers(remote.mainSha)).toEqual([]);

    await checkout.mergeIn({ upstream, message, keepConflicts: true });

    expect(await checkout.filesWithLeftoverMarkers(upstream)).toEqual(['src/count.ts']);
  });

  it('commits a conflicting merge with its markers when asked to keep the conflict', async () => {
    const { remote, featureSha, checkout } = await featureBranch(CONFLICTING);
    const mainSha = await commitToRemote(remote.dir, 'main', {
      'src/count.ts': 'export const count = 3;\n',
      'docs/guide.md': '# Guide v2\n',
    });

    const result = await checkout.mergeIn({
      upstream: await checkout.fetch('main'),
      message,
      keepConflicts: true,
    });

    expect(result).toMatchObject({ kind: 'conflict', files: ['src/count.ts'] });
    expect(result.headSha).toBe(await checkout.headSha());
    expect(await sh(checkout.dir, 'log', '-1', '--format=%P')).toBe(`${featureSha} ${mainSha}`);
    const count = await readText(checkout.dir, 'src/count.ts');
    expect(count).toMatch(
      /^<<<<<<< HEAD\nexport const count = 2;\n=======\nexport const count = 3;\n>>>>>>> /,
    );
    expect(await readText(checkout.dir, 'docs/guide.md')).toBe('# Guide v2\n');
    expect(await checkout.dirtyPaths()).toEqual([]);
  });
});

describe('git adapter workflow-change detection', { timeout: 20_000 }, () => {
  it('sees the workflow change a rebase would carry before rebasing, and that it carried after', async () => {
    const { remote, featureSha, checkout } = await featureBranch();
    const mainSha = await commitToRemote(remote.dir, 'main', {
      '.github/workflows/ci.yml': 'name: ci v2\n',
      '.github/workflows/new.yml': 'name: new\n',
    });
    await checkout.fetch('main');

    const base = await checkout.mergeBase(featureSha, mainSha);
    const wouldCarry = await checkout.changesUnder(WORKFLOWS, base, mainSha);
    const rebased = await checkout.rebaseOnto({ upstream: mainSha });
    if (rebased.kind !== 'rebased') throw new Error(`expected a rebase, got ${rebased.kind}`);
    const didCarry = await checkout.changesUnder(WORKFLOWS, featureSha, rebased.headSha);

    expect(base).toBe(remote.mainSha);
    expect(wouldCarry).toEqual(['.github/workflows/ci.yml', '.github/workflows/new.yml']);
    expect(didCarry).toEqual(wouldCarry);
  });

  it('finds no workflow change when main moved elsewhere', async () => {
    const { remote, featureSha, checkout } = await featureBranch();
    const mainSha = await commitToRemote(remote.dir, 'main', {
      'docs/guide.md': '# v2\n',
      'github-workflows.md': 'x\n',
    });
    await checkout.fetch('main');
    expect(await checkout.changesUnder(WORKFLOWS, featureSha, mainSha)).toEqual([]);
  });

  it('reads the prefix literally, never as a glob', async () => {
    const { remote, featureSha, checkout } = await featureBranch();
    expect(await checkout.changesUnder('src/*', remote.mainSha, featureSha)).toEqual([]);
    expect(await checkout.changesUnder('src/', remote.mainSha, featureSha)).toEqual([
      'src/feature.ts',
    ]);
  });
});

import { chmod, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addedLinesPerFile } from '../../../src/adapters/git/patch.ts';
import { defaultConfig } from '../../../src/core/config.ts';
import { checkPatchChanges } from '../../../src/core/guardrails.ts';
import { cloneOf, createRemote, PERSON, readText, sh, writeFiles } from './support.ts';

const BINARY = Buffer.from([0, 1, 2, 3, 255, 254, 0, 10, 13, 0, 128]);
const SEED = {
  'README.md': '# Widgets\n',
  '.gitignore': 'node_modules/\n',
  'src/count.ts': 'export const count = 1;\n',
  'src/old-name.ts': 'export const moved = true;\n',
  'docs/remove-me.md': 'gone soon\n',
  'assets/logo.bin': BINARY,
};

/** An agent's checkout and an apply job's checkout of the same PR head. */
async function twoCheckouts() {
  const remote = await createRemote(SEED);
  return { remote, agent: await cloneOf(remote), applier: await cloneOf(remote) };
}

describe('git adapter patches', { timeout: 20_000 }, () => {
  it('carries new, changed, deleted, renamed, binary and executable files from one checkout to another', async () => {
    const { remote, agent, applier } = await twoCheckouts();
    await writeFiles(agent.dir, {
      'src/count.ts': 'export const count = 2;\nexport const more = 3;\n',
      'src/new.ts': 'export const fresh = "é";\n',
      'docs/remove-me.md': null,
      'src/old-name.ts': null,
      'src/new-name.ts': 'export const moved = true;\n',
      'assets/logo.bin': Buffer.concat([BINARY, BINARY]),
      'assets/icon.bin': Buffer.from([0, 0, 7, 0]),
      'scripts/run.sh': '#!/bin/sh\necho hi\n',
    });
    await chmod(join(agent.dir, 'scripts/run.sh'), 0o755);

    const { patch } = await agent.diffAgainst(remote.mainSha);
    const applied = await applier.applyPatch(patch);
    expect(applied.kind).toBe('applied');
    const agentCommit = await agent.commitAll({ message: 'agent', author: PERSON });
    const applyCommit = await applier.commitAll({ message: 'apply', author: PERSON });
    if (agentCommit.kind !== 'committed' || applyCommit.kind !== 'committed')
      throw new Error('no commit');

    const treeOf = (dir: string, sha: string) => sh(dir, 'rev-parse', `${sha}^{tree}`);
    expect(await treeOf(applier.dir, applyCommit.sha)).toBe(
      await treeOf(agent.dir, agentCommit.sha),
    );
    expect(await readFile(join(applier.dir, 'assets/logo.bin'))).toEqual(
      Buffer.concat([BINARY, BINARY]),
    );
    expect(await sh(applier.dir, 'ls-files', '-s', 'scripts/run.sh')).toMatch(/^100755 /);
  });

  it('describes every changed path with its line counts and added lines, both sides of a rename included', async () => {
    const { remote, agent } = await twoCheckouts();
    await writeFiles(agent.dir, {
      'src/count.ts': 'export const count = 2;\n',
      'src/old-name.ts': null,
      'src/new-name.ts': 'export const moved = true;\n',
      'assets/logo.bin': Buffer.from([9, 0, 9]),
      'odd name\twith tab.txt': 'token = "abc"\n',
      'node_modules/dep/index.js': 'ignored\n',
    });

    const { files } = await agent.diffAgainst(remote.mainSha);

    expect(files).toEqual([
      // As text: the old bytes held one newline, the new ones none.
      { path: 'assets/logo.bin', additions: 1, deletions: 2, addedLines: ['\t\0\t'] },
      { path: 'odd name\twith tab.txt', additions: 1, deletions: 0, addedLines: ['token = "abc"'] },
      { path: 'src/count.ts', additions: 1, deletions: 1, addedLines: ['export const count = 2;'] },
      {
        path: 'src/new-name.ts',
        additions: 1,
        deletions: 0,
        addedLines: ['export const moved = true;'],
      },
      { path: 'src/old-name.ts', additions: 0, deletions: 1, addedLines: [] },
    ]);
  });

  it('counts and shows every line of a file git would call binary, so the limits and the secret scan see it', async () => {
    const { remote, agent } = await twoCheckouts();
    const secret = `sk-ant-api03-${'A'.repeat(40)}`;
    const lines = Array.from({ length: 3000 }, (_, index) => `const line${String(index)} = 1;`);
    await writeFiles(agent.dir, {
      // Either makes git print "Binary files differ" and count no lines.
      '.gitattributes': '*.ts -diff\n',
      'src/hidden.ts': `${[...lines, `const key = '${secret}';`].join('\n')}\n`,
      'src/nul.txt': `\0${secret}\n`,
    });

    const { files } = await agent.diffAgainst(remote.mainSha);
    const judged = checkPatchChanges(files, defaultConfig());

    expect(files.find((file) => file.path === 'src/hidden.ts')?.additions).toBe(3001);
    expect(judged.map((refusal) => refusal.code)).toEqual(
      expect.arrayContaining(['diff-too-large', 'secret-detected']),
    );
    expect(judged.find((refusal) => refusal.code === 'secret-detected')?.reason).toMatch(
      /src\/hidden\.ts[\s\S]*src\/nul\.txt|src\/nul\.txt[\s\S]*src\/hidden\.ts/,
    );
  });

  it('describes a file that became a symlink as one changed path', async () => {
    const { remote, agent } = await twoCheckouts();
    await writeFiles(agent.dir, { 'src/count.ts': null });
    await symlink('../README.md', join(agent.dir, 'src/count.ts'));

    const { files } = await agent.diffAgainst(remote.mainSha);

    expect(files).toEqual([
      {
        path: 'src/count.ts',
        additions: 1,
        deletions: 1,
        addedLines: ['../README.md'],
      },
    ]);
  });

  it('gives an empty patch for an untouched work tree, which applies as no change', async () => {
    const { remote, agent, applier } = await twoCheckouts();
    const { patch, files } = await agent.diffAgainst(remote.mainSha);
    expect(patch.length).toBe(0);
    expect(files).toEqual([]);
    expect(await applier.applyPatch(patch)).toEqual({ kind: 'applied', paths: [] });
    expect(await applier.commitAll({ message: 'nothing', author: PERSON })).toEqual({
      kind: 'nothing-to-commit',
    });
  });

  it('lists the paths a patch touches before applying it, and changes nothing doing so', async () => {
    const { remote, agent, applier } = await twoCheckouts();
    await writeFiles(agent.dir, {
      'src/old-name.ts': null,
      'src/new-name.ts': 'export const moved = true;\n',
    });
    await sh(agent.dir, 'add', '--all');
    // A patch made elsewhere may use git's rename form; both sides must still be listed.
    const renamed = await sh(agent.dir, 'diff', '--cached', '-M', remote.mainSha);
    expect(renamed).toContain('rename from src/old-name.ts');

    expect(await applier.inspectPatch(`${renamed}\n`)).toEqual({
      kind: 'applies',
      paths: ['src/new-name.ts', 'src/old-name.ts'],
    });
    expect(await applier.dirtyPaths()).toEqual([]);
  });

  it("reports a patch that no longer applies with git's message and leaves the checkout untouched", async () => {
    const { remote, agent, applier } = await twoCheckouts();
    await writeFiles(agent.dir, {
      'src/count.ts': 'export const count = 2;\n',
      'src/extra.ts': 'x\n',
    });
    const { patch } = await agent.diffAgainst(remote.mainSha);
    await writeFiles(applier.dir, { 'src/count.ts': 'export const count = 99;\n' });
    await sh(applier.dir, 'commit', '--quiet', '-am', 'moved on');

    const result = await applier.applyPatch(patch);

    expect(result).toEqual({
      kind: 'does-not-apply',
      message: expect.stringContaining('src/count.ts'),
    });
    expect(await applier.dirtyPaths()).toEqual([]);
  });

  it('reports a corrupt patch as one that does not apply', async () => {
    const { applier } = await twoCheckouts();
    const result = await applier.applyPatch('diff --git a/x b/x\n@@ nonsense\n');
    expect(result.kind).toBe('does-not-apply');
  });

  const escapes = [
    ['a parent directory', '../escaped.txt'],
    ['an absolute path', '/tmp/escaped.txt'],
    ['the .git directory', '.git/hooks/post-checkout'],
    ['a .git directory in another case', 'sub/.GIT/config'],
  ] as const;

  it.each(escapes)('refuses a patch that writes into %s and writes nothing', async (_, path) => {
    const { applier } = await twoCheckouts();
    const patch = newFilePatch(path, 'pwned');

    const result = await applier.applyPatch(patch);

    expect(result).toMatchObject({ kind: 'refused', reason: 'outside-repository' });
    expect(await applier.dirtyPaths()).toEqual([]);
    expect(await sh(applier.dir, 'status', '--porcelain', '--ignored')).toBe('');
  });

  it('refuses a patch that renames a file out of .git, which --numstat alone does not show', async () => {
    const { applier } = await twoCheckouts();
    const patch = [
      'diff --git a/.git/config b/stolen.txt',
      'similarity index 100%',
      'rename from .git/config',
      'rename to stolen.txt',
      '',
    ].join('\n');

    const result = await applier.applyPatch(patch);

    expect(result).toMatchObject({ kind: 'refused', reason: 'outside-repository' });
    expect(await applier.dirtyPaths()).toEqual([]);
  });

  it('refuses a patch that creates a symbolic link and writes nothing', async () => {
    const { remote, agent, applier } = await twoCheckouts();
    await symlink('/etc/passwd', join(agent.dir, 'innocent.txt'));
    const { patch } = await agent.diffAgainst(remote.mainSha);

    const result = await applier.applyPatch(patch);

    expect(result).toMatchObject({ kind: 'refused', reason: 'symlink', paths: ['innocent.txt'] });
    expect(await applier.dirtyPaths()).toEqual([]);
  });

  it('refuses a patch that adds a submodule and writes nothing', async () => {
    const { remote, applier } = await twoCheckouts();
    const patch = [
      'diff --git a/vendor/lib b/vendor/lib',
      'new file mode 160000',
      'index 0000000..' + remote.mainSha,
      '--- /dev/null',
      '+++ b/vendor/lib',
      '@@ -0,0 +1 @@',
      `+Subproject commit ${remote.mainSha}`,
      '',
    ].join('\n');

    const result = await applier.applyPatch(patch);

    expect(result).toMatchObject({ kind: 'refused', reason: 'submodule', paths: ['vendor/lib'] });
    expect(await applier.dirtyPaths()).toEqual([]);
  });

  it('keeps a file in another encoding than UTF-8 byte for byte', async () => {
    const { remote, agent, applier } = await twoCheckouts();
    const latin1 = Buffer.from('caf\xe9 cr\xe8me\n', 'latin1');
    await writeFiles(agent.dir, { 'notes.txt': latin1 });
    const { patch } = await agent.diffAgainst(remote.mainSha);

    expect((await applier.applyPatch(patch)).kind).toBe('applied');
    expect(await readFile(join(applier.dir, 'notes.txt'))).toEqual(latin1);
    expect(await readText(applier.dir, 'README.md')).toBe('# Widgets\n');
  });
});

describe('patch parsing', () => {
  it('takes added lines from hunks only, never from the file headers', () => {
    const patch = [
      'diff --git a/a b/a',
      '--- a/a',
      '+++ b/a',
      '@@ -1 +1,2 @@',
      '-old',
      '+new',
      '++plus',
      'diff --git a/b b/b',
      'GIT binary patch',
      'literal 3',
      'Kcmb=',
      '',
    ].join('\n');
    expect(addedLinesPerFile(patch)).toEqual([['new', '+plus'], []]);
  });
});

function newFilePatch(path: string, line: string): string {
  return [
    `diff --git a/${path} b/${path}`,
    'new file mode 100644',
    '--- /dev/null',
    `+++ b/${path}`,
    '@@ -0,0 +1 @@',
    `+${line}`,
    '',
  ].join('\n');
}

import { execFileSync } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROTECTED_PATHS } from '../../src/core/config.ts';
import {
  editFileTool,
  listFilesTool,
  readFileTool,
  searchTool,
  writeFileTool,
  type FileToolContext,
} from '../../src/agent/tools/files.ts';
import { createProtectedMatcher } from '../../src/agent/workspace-paths.ts';

let scratch: string;
let context: FileToolContext;

beforeEach(async () => {
  scratch = await realpath(await mkdtemp(path.join(os.tmpdir(), 'file-tools-')));
  const root = path.join(scratch, 'ws');
  await mkdir(path.join(root, 'src'), { recursive: true });
  await mkdir(path.join(root, '.git'));
  await writeFile(path.join(root, '.git', 'config'), '[credential]\n');
  await writeFile(path.join(root, 'src', 'a.ts'), 'const a = 1;\nconst b = 1;\n');
  await writeFile(path.join(scratch, 'outside-secret.txt'), 'OUTSIDE-SECRET');
  await mkdir(path.join(scratch, 'outside-dir'));
  await symlink(path.join(scratch, 'outside-secret.txt'), path.join(root, 'src', 'link-out'));
  await symlink(path.join(scratch, 'outside-dir'), path.join(root, 'dir-out'));
  await symlink('a.ts', path.join(root, 'src', 'link-in'));
  context = { root, isProtected: createProtectedMatcher(DEFAULT_PROTECTED_PATHS) };
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function outsideIsUntouched(): Promise<void> {
  expect(await readdir(path.join(scratch, 'outside-dir'))).toEqual([]);
  expect(await readFile(path.join(scratch, 'outside-secret.txt'), 'utf8')).toBe('OUTSIDE-SECRET');
}

describe('path confinement (R-11)', () => {
  it.each([
    ['a parent path', '../outside-secret.txt', /contains "\.\."/],
    ['a parent path inside a longer one', 'src/../../outside-secret.txt', /contains "\.\."/],
    ['an absolute path', '/etc/passwd', /is absolute/],
    ['a backslash absolute path', '\\etc\\passwd', /is absolute/],
    ['a symlink leading out', 'src/link-out', /outside the workspace through a symlink/],
    [
      'a path through a symlinked folder leading out',
      'dir-out/x.txt',
      /outside the workspace through a symlink/,
    ],
    ['the .git folder', '.git/config', /inside \.git/],
  ])('refuses to read %s with a clear error', async (_name, requested, message) => {
    await expect(readFileTool(context, { path: requested })).rejects.toThrow(message);
  });

  it.each([
    ['a parent path', '../evil.txt'],
    ['an absolute path', 'ABSOLUTE_OUTSIDE'],
    ['a path through a symlinked folder leading out', 'dir-out/evil.txt'],
    ['a symlink leading out', 'src/link-out'],
    ['a git hook', '.git/hooks/pre-commit'],
  ])('refuses to write %s and writes nothing', async (_name, requested) => {
    const target =
      requested === 'ABSOLUTE_OUTSIDE' ? path.join(scratch, 'outside-dir', 'evil.txt') : requested;
    await expect(writeFileTool(context, { path: target, content: 'pwned' })).rejects.toThrow(
      /refused/,
    );
    await outsideIsUntouched();
    expect(await readdir(path.join(context.root, '.git'))).toEqual(['config']);
  });

  it('follows a symlink that stays inside the workspace', async () => {
    expect(await readFileTool(context, { path: 'src/link-in' })).toBe(
      'const a = 1;\nconst b = 1;\n',
    );
  });

  it('never follows symlinks when listing or searching', async () => {
    expect(await listFilesTool(context, {})).toContain('src/link-out (symlink)');
    expect(await searchTool(context, { text: 'OUTSIDE' })).toBe('no line contains "OUTSIDE"');
  });
});

describe('protected paths (R-08)', () => {
  it.each([
    '.github/workflows/ci.yml',
    '.claude/agents/planner.md',
    'factory/src/x.ts',
    'CLAUDE.md',
    'specs/0002-x.md',
  ])('refuses to write %s and writes nothing', async (target) => {
    await expect(writeFileTool(context, { path: target, content: 'x' })).rejects.toThrow(
      /protected path/,
    );
    await expect(readFile(path.join(context.root, target))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a protected path reached through an inside symlink', async () => {
    await mkdir(path.join(context.root, '.github'));
    await symlink('.github', path.join(context.root, 'innocent'));
    await expect(
      writeFileTool(context, { path: 'innocent/workflows/x.yml', content: 'x' }),
    ).rejects.toThrow(/"\.github\/workflows\/x\.yml" is a protected path/);
    expect(await readdir(path.join(context.root, '.github'))).toEqual([]);
  });

  it('refuses to edit a protected file', async () => {
    await writeFile(path.join(context.root, 'CLAUDE.md'), 'rules');
    await expect(
      editFileTool(context, { path: 'CLAUDE.md', oldText: 'rules', newText: 'none' }),
    ).rejects.toThrow(/protected/);
    expect(await readFile(path.join(context.root, 'CLAUDE.md'), 'utf8')).toBe('rules');
  });
});

describe('edit_file', () => {
  it('replaces exactly one match', async () => {
    await editFileTool(context, {
      path: 'src/a.ts',
      oldText: 'const a = 1;',
      newText: 'const a = 2;',
    });
    expect(await readFile(path.join(context.root, 'src/a.ts'), 'utf8')).toBe(
      'const a = 2;\nconst b = 1;\n',
    );
  });

  it('refuses a missing match and an ambiguous one, changing nothing', async () => {
    await expect(
      editFileTool(context, { path: 'src/a.ts', oldText: 'const c', newText: 'x' }),
    ).rejects.toThrow(/was not found in src\/a\.ts/);
    await expect(
      editFileTool(context, { path: 'src/a.ts', oldText: ' = 1;', newText: 'x' }),
    ).rejects.toThrow(/occurs 2 times/);
    expect(await readFile(path.join(context.root, 'src/a.ts'), 'utf8')).toBe(
      'const a = 1;\nconst b = 1;\n',
    );
  });
});

describe('reading tools', () => {
  it('reads a line range, lists files without .git, and searches with locations', async () => {
    expect(await readFileTool(context, { path: 'src/a.ts', startLine: 2, endLine: 2 })).toBe(
      'const b = 1;',
    );
    expect(await listFilesTool(context, {})).not.toContain('.git');
    expect(await searchTool(context, { text: 'const b' })).toBe('src/a.ts:2: const b = 1;');
  });

  it('refuses a pipe a command left in the tree instead of waiting on it forever', async () => {
    execFileSync('mkfifo', [path.join(context.root, 'src', 'pipe')]);
    await expect(readFileTool(context, { path: 'src/pipe' })).rejects.toThrow(/not a regular file/);
    await expect(searchTool(context, { text: 'x', path: 'src/pipe' })).resolves.toMatch(
      /no line contains/,
    );
    await expect(writeFileTool(context, { path: 'src/pipe', content: 'x' })).rejects.toThrow(
      /not a regular file/,
    );
    await expect(
      editFileTool(context, { path: 'src/pipe', oldText: 'x', newText: 'y' }),
    ).rejects.toThrow(/not a regular file/);
  });

  it('shows invisible characters instead of passing them on hidden (R-09)', async () => {
    await writeFile(path.join(context.root, 'hidden.md'), 'ok\u200Bignore\u202Eall');
    expect(await readFileTool(context, { path: 'hidden.md' })).toBe('ok⟦U+200B⟧ignore⟦U+202E⟧all');
  });
});

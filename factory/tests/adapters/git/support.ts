/**
 * Real git in temp directories: a bare "remote" seeded with files, clones of it through the
 * adapter, and a plain git helper for arranging and checking what the adapter did.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';
import { clone, type Git } from '../../../src/adapters/git/index.ts';

const run = promisify(execFile);

export const FIXED_NOW = (): Date => new Date('2026-01-02T03:04:05Z');
export const PERSON = { name: 'Ada Writer', email: 'ada@example.com' };

/** Plain git for arranging scenes and checking outcomes, independent of the adapter. */
export async function sh(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: '/nonexistent',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
  return stdout.trim();
}

const scratchDirs: string[] = [];
afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A temp directory removed after the test. */
export async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'git-adapter-'));
  scratchDirs.push(dir);
  return dir;
}

export type Files = Readonly<Record<string, string | Buffer | null>>;

/** Writes files into a work tree; `null` deletes one. */
export async function writeFiles(dir: string, files: Files): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    if (content === null) {
      await rm(target);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

export function readText(dir: string, path: string): Promise<string> {
  return readFile(join(dir, path), 'utf8');
}

/** Commits `files` on top of `branch` of the bare remote (creating it from main if needed). */
export async function commitToRemote(
  remote: string,
  branch: string,
  files: Files,
  message = `change ${branch}`,
): Promise<string> {
  const work = join(await scratch(), 'work');
  await sh(tmpdir(), 'clone', '--quiet', remote, work);
  const exists = (await sh(work, 'ls-remote', '--heads', 'origin', branch)) !== '';
  await sh(work, 'checkout', '--quiet', '-B', branch, exists ? `origin/${branch}` : 'origin/main');
  await writeFiles(work, files);
  await sh(work, 'add', '--all');
  await sh(work, 'commit', '--quiet', '--allow-empty', '-m', message);
  await sh(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
  return sh(work, 'rev-parse', 'HEAD');
}

export interface Remote {
  /** `file://` URL of the bare repository. */
  readonly url: string;
  readonly dir: string;
  readonly mainSha: string;
}

/** A bare repository with one commit of `files` on `main`. */
export async function createRemote(files: Files): Promise<Remote> {
  const root = await scratch();
  const dir = join(root, 'remote.git');
  const seed = join(root, 'seed');
  await sh(root, 'init', '--quiet', '--bare', '--initial-branch=main', dir);
  await writeFiles(seed, files);
  // Committed straight into the bare repository, with the seed directory as its work tree.
  const inBare = ['--git-dir', dir, '--work-tree', seed];
  await sh(root, ...inBare, 'add', '--all');
  await sh(root, ...inBare, 'commit', '--quiet', '-m', 'initial');
  return { url: `file://${dir}`, dir, mainSha: await sh(dir, 'rev-parse', 'main') };
}

/** A fresh clone of the remote through the adapter, at `ref` (default main). */
export async function cloneOf(
  remote: Remote,
  ref?: string,
  options: Omit<Parameters<typeof clone>[0], 'url' | 'dir' | 'ref'> = {},
): Promise<Git> {
  const dir = join(await scratch(), 'checkout');
  return clone({
    url: remote.url,
    dir,
    now: FIXED_NOW,
    ...(ref === undefined ? {} : { ref }),
    ...options,
  });
}

/** The SHA of a ref in the bare remote. */
export function remoteSha(remote: Remote, ref: string): Promise<string> {
  return sh(remote.dir, 'rev-parse', ref);
}

/**
 * `factory init` on a copy of this repository: every file git would commit (tracked, plus new
 * files not ignored), committed in a temporary repository, cloned afresh for each test.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInit, type InitOptions } from '../../src/cli/commands/init.ts';
import { ATTRIBUTION, TEMPLATE_NAME } from '../../src/cli/init/plan.ts';

const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
}

let scratch: string;
let template: string;
let clones = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'factory-init-'));
  template = join(scratch, 'template');
  const listing = git(REPO_ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard');
  for (const path of listing.split('\0').filter((entry) => entry !== '')) {
    await cp(join(REPO_ROOT, path), join(template, path)).catch((error: unknown) => {
      // A tracked file another change deleted from the work tree is simply not in the copy.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  git(template, 'init', '--quiet', '--initial-branch=main');
  git(template, 'add', '--all');
  git(template, 'commit', '--quiet', '--no-gpg-sign', '-m', 'template');
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A fresh fork of the template copy. */
function forkTemplate(): string {
  clones += 1;
  const dir = join(scratch, `fork-${String(clones)}`);
  git(scratch, 'clone', '--quiet', template, dir);
  return dir;
}

async function init(dir: string, options: InitOptions) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runInit(dir, options, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every line naming the template, except in the floor's own code (which init never rewrites). */
function traces(dir: string): string[] {
  const pathspecs = ['.', ':!factory/src', ':!factory/tests'];
  const result = execFileSync(
    'sh',
    ['-c', `git grep -n -i -I -e "$0" -- "$@" || true`, TEMPLATE_NAME, ...pathspecs],
    { cwd: dir, env: GIT_ENV, encoding: 'utf8' },
  );
  return result.split('\n').filter((line) => line !== '');
}

function isAttribution(trace: string): boolean {
  const [path, , ...rest] = trace.split(':');
  const line = rest.join(':');
  if (path === 'README.md') return line.trim() === ATTRIBUTION;
  return path === 'LICENSE' && /^Copyright \(c\) \d{4} the software-factory authors$/.test(line);
}

describe('factory init on a copy of this repository', () => {
  it('stamps through scripts/init and leaves the name only in the attribution lines; the lockfile still installs frozen', async () => {
    const fork = forkTemplate();
    expect(traces(fork).filter((trace) => !isAttribution(trace)).length).toBeGreaterThan(0);
    execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile', '--silent'], { cwd: fork });

    const out = execFileSync(join(fork, 'scripts/init'), ['--name', 'widgets'], {
      cwd: join(fork, 'specs'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    expect(out).toMatch(/Stamped "widgets" into \d+ files/);
    expect(traces(fork).filter((trace) => !isAttribution(trace))).toEqual([]);
    expect(traces(fork).some((trace) => trace.startsWith('README.md:'))).toBe(true);
    const root = JSON.parse(await readFile(join(fork, 'package.json'), 'utf8')) as { name: string };
    const floor = JSON.parse(await readFile(join(fork, 'factory/package.json'), 'utf8')) as {
      name: string;
    };
    expect([root.name, floor.name]).toEqual(['widgets', '@widgets/factory']);
    expect(git(fork, 'diff', '--name-only', '--', 'src', 'tests', 'specs', 'pnpm-lock.yaml')).toBe(
      '',
    );
    execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile', '--lockfile-only'], {
      cwd: fork,
      stdio: 'pipe',
    });
  }, 60_000);

  it('changes nothing on a second run, and says so', async () => {
    const fork = forkTemplate();
    expect((await init(fork, { name: 'widgets' })).code).toBe(0);
    const afterFirst = git(fork, 'diff');

    const second = await init(fork, { name: 'widgets' });

    expect(second).toMatchObject({ code: 0, out: expect.stringMatching(/Nothing to change/) });
    expect(git(fork, 'diff')).toBe(afterFirst);
    git(fork, 'commit', '--quiet', '--all', '--no-gpg-sign', '-m', 'stamp');
    expect((await init(fork, { name: 'widgets' })).out).toMatch(/Nothing to change/);
    expect(git(fork, 'status', '--porcelain')).toBe('');
  });

  it('refuses a dirty working tree and writes nothing', async () => {
    const fork = forkTemplate();
    await writeFile(join(fork, 'notes.txt'), 'work in progress\n');

    const result = await init(fork, { name: 'widgets' });

    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /factory init: the working tree has uncommitted changes \(notes.txt\)/,
    );
    expect(git(fork, 'status', '--porcelain')).toBe('?? notes.txt\n');
  });

  it.each([
    [{ name: 'My Project' }, /"My Project" has uppercase letters/],
    [{ name: 'my project' }, /may only use a-z, 0-9/],
    [{ name: 'widgets', owner: 'acme_labs' }, /"acme_labs" is not a GitHub user or organisation/],
    [{ name: TEMPLATE_NAME }, /the template's name: choose your own/],
  ])('refuses %j with a clear message and writes nothing', async (options, message) => {
    const fork = forkTemplate();

    const result = await init(fork, options);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(git(fork, 'status', '--porcelain')).toBe('');
  });

  it('refuses to rename a fork already stamped with another name', async () => {
    const fork = forkTemplate();
    await init(fork, { name: 'widgets' });
    git(fork, 'commit', '--quiet', '--all', '--no-gpg-sign', '-m', 'stamp');

    const result = await init(fork, { name: 'gadgets' });

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/already stamped as "widgets"/);
    expect(git(fork, 'status', '--porcelain')).toBe('');
  });

  it('prints a unified diff on --dry-run that applies to exactly what a real run writes, and writes nothing', async () => {
    const fork = forkTemplate();
    await writeFile(join(fork, 'notes.txt'), 'a dry run does not mind a dirty tree\n');

    const dry = await init(fork, { name: 'widgets', dryRun: true });

    expect(dry.code).toBe(0);
    expect(dry.out).toContain('--- a/README.md\n+++ b/README.md\n');
    expect(dry.out).toContain(`-# ${TEMPLATE_NAME}\n+# widgets\n`);
    expect(dry.err).toMatch(/Dry run: \d+ files would change; nothing was written/);
    expect(git(fork, 'status', '--porcelain')).toBe('?? notes.txt\n');

    await rm(join(fork, 'notes.txt'));
    const real = forkTemplate();
    await init(real, { name: 'widgets' });
    execFileSync('git', ['apply', '-'], { cwd: fork, input: `${dry.out}\n`, env: GIT_ENV });
    expect(git(fork, 'diff')).toBe(git(real, 'diff'));
  });

  it('never touches product code, tests or specs that name the template', async () => {
    const fork = forkTemplate();
    const product = `export const upstream = '${TEMPLATE_NAME}';\n`;
    await writeFile(join(fork, 'src/upstream.ts'), product);
    git(fork, 'add', 'src/upstream.ts');
    git(fork, 'commit', '--quiet', '--no-gpg-sign', '-m', 'product code');

    expect((await init(fork, { name: 'widgets' })).code).toBe(0);

    expect(await readFile(join(fork, 'src/upstream.ts'), 'utf8')).toBe(product);
  });
});

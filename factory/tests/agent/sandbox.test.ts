import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeSandbox, runSandboxed } from '../../src/agent/sandbox.ts';

const status = await probeSandbox();
/** Machines without bubblewrap (a laptop) may opt out explicitly; CI installs it and never skips. */
const optedOut = process.env.FACTORY_TEST_WITHOUT_SANDBOX === '1';

let scratch: string;
let workspace: string;
beforeEach(async () => {
  scratch = await realpath(await mkdtemp(path.join(os.tmpdir(), 'sandbox-')));
  workspace = path.join(scratch, 'ws');
  await mkdir(path.join(workspace, '.git', 'hooks'), { recursive: true });
  await writeFile(path.join(workspace, '.git', 'config'), '[core]\n');
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function sandboxed(script: string, timeoutMs = 10_000) {
  if (!status.usable) throw new Error(`no sandbox: ${status.reason}`);
  await writeFile(path.join(workspace, 'script.sh'), script);
  return runSandboxed(status, {
    argv: ['bash', 'script.sh'],
    workspace,
    timeoutMs,
    maxOutputChars: 10_000,
  });
}

describe.skipIf(optedOut)('the bubblewrap sandbox (R-10)', () => {
  it('is usable here (set FACTORY_TEST_WITHOUT_SANDBOX=1 only on a machine without bubblewrap)', () => {
    expect(status).toMatchObject({ usable: true });
  });

  it('lets the command write the workspace and nothing else: not .git, not the system, not outside', async () => {
    await writeFile(path.join(scratch, 'outside.txt'), 'outside: visible');
    const result = await sandboxed(
      [
        'echo ok > made.txt',
        '{ echo pwn > .git/hooks/pre-commit; } 2>/dev/null || echo "hook: refused"',
        '{ echo "[core] fsmonitor = evil" >> .git/config; } 2>/dev/null || echo "config: refused"',
        'touch /usr/evil 2>/dev/null || echo "usr: refused"',
        `cat ${scratch}/outside.txt 2>/dev/null || echo "outside: hidden"`,
        'echo "home: $HOME"',
      ].join('\n'),
    );
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe(
      'hook: refused\nconfig: refused\nusr: refused\noutside: hidden\nhome: /tmp/home\n',
    );
    expect(await readFile(path.join(workspace, 'made.txt'), 'utf8')).toBe('ok\n');
    expect(await readdir(path.join(workspace, '.git', 'hooks'))).toEqual([]);
    expect(await readFile(path.join(workspace, '.git', 'config'), 'utf8')).toBe('[core]\n');
  });

  it('kills a command at its time limit and keeps the head and tail of long output', async () => {
    const slow = await sandboxed('sleep 30', 200);
    expect(slow).toMatchObject({ timedOut: true, exitCode: null });
    expect(slow.durationMs).toBeLessThan(5_000);
    const loud = await sandboxed('for i in $(seq 1 5000); do echo "line $i"; done');
    expect(loud.output.length).toBeLessThan(10_100);
    expect(loud.output).toMatch(/^line 1\n/);
    expect(loud.output).toMatch(/line 5000\n$/);
    expect(loud.output).toContain('characters omitted');
  });
});

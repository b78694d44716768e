/** The wiring: `pnpm factory … --help` runs the real entry point in a child process. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const FACTORY_DIR = new URL('../..', import.meta.url).pathname;

async function help(...args: string[]): Promise<string> {
  const { stdout } = await run('pnpm', ['--silent', 'run', 'factory', ...args, '--help'], {
    cwd: FACTORY_DIR,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return stdout;
}

describe('pnpm factory --help', { timeout: 60_000 }, () => {
  it('lists every everyday command with its description', async () => {
    const text = await help();
    for (const command of ['labels', 'doctor', 'lint', 'queue', 'status', 'resume', 'twin']) {
      expect(text).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(text).toContain('GH_TOKEN or GITHUB_TOKEN');
  });

  it('gives each command its options and examples', async () => {
    const text = await help('resume');
    expect(text).toContain('Usage: factory resume [options] <pr>');
    expect(text).toContain('--from <stage>');
    expect(text).toContain('$ pnpm factory resume 12 --from plan');
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRehearse } from '../../src/cli/commands/rehearse.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { createCheckout } from './support.ts';

function captureIo(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return {
    out: (line) => out_.push(line),
    err: (line) => err_.push(line),
    color: false,
    out_,
    err_,
  };
}

const now = () => new Date('2026-11-26T00:00:00Z');

describe('factory rehearse', () => {
  it('refuses without ANTHROPIC_API_KEY, names the key and the offline alternative, and starts nothing', async () => {
    const repoRoot = await createCheckout({ 'specs/0002-x.md': '# X\n' });
    const io = captureIo();
    const code = await runRehearse({ specPath: 'specs/0002-x.md', repoRoot, env: {}, now }, io);
    expect(code).toBe(1);
    expect(io.err_.join('\n')).toMatch(/ANTHROPIC_API_KEY is not set.*pnpm factory demo/s);
    expect(existsSync(join(repoRoot, '.factory'))).toBe(false);
  });

  it('refuses before spending anything where no sandbox can run the implementer’s checks', async () => {
    const repoRoot = await createCheckout({ 'specs/0002-x.md': '# X\n' });
    const io = captureIo();
    const env = { ANTHROPIC_API_KEY: 'sk-ant-test' };
    const sandbox = () => Promise.resolve({ usable: false, reason: 'bwrap missing' } as const);
    const code = await runRehearse(
      { specPath: 'specs/0002-x.md', repoRoot, env, now, sandbox },
      io,
    );
    expect(code).toBe(1);
    expect(io.err_.join('\n')).toMatch(/none is usable here \(bwrap missing\).*bubblewrap/s);
    expect(existsSync(join(repoRoot, '.factory'))).toBe(false);
  });

  it('refuses a spec that is not in the checkout, and starts nothing', async () => {
    const repoRoot = await createCheckout({ 'README.md': 'x\n' });
    const io = captureIo();
    const env = { ANTHROPIC_API_KEY: 'sk-ant-test' };
    const code = await runRehearse({ specPath: 'specs/0009-nope.md', repoRoot, env, now }, io);
    expect(code).toBe(1);
    expect(io.err_.join('\n')).toContain('specs/0009-nope.md does not exist in this checkout');
    expect(io.err_.join('\n')).not.toContain('sk-ant-test');
    expect(existsSync(join(repoRoot, '.factory'))).toBe(false);
  });
});

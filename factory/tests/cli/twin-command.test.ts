import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;

let checkout: string | undefined;
afterEach(async () => {
  if (checkout !== undefined) await rm(checkout, { recursive: true, force: true });
});

describe('factory twin', () => {
  it('prints one JSON line a script can use, serves the checkout, and stops cleanly on SIGINT', async () => {
    checkout = await mkdtemp(join(tmpdir(), 'twin-cli-'));
    execFileSync('git', ['init', '--quiet', checkout]);
    await writeFile(join(checkout, 'README.md'), '# seeded\n');

    const child = spawn(TSX, [CLI, 'twin'], { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, 'line')) as [string];
    const info = JSON.parse(first) as { forge: string; repo: string; tokens: { reader: string } };

    const response = await fetch(`${info.forge}/repos/${info.repo}/contents/README.md`, {
      headers: {
        authorization: `token ${info.tokens.reader}`,
        accept: 'application/vnd.github.raw+json',
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { content: string };
    expect(Buffer.from(body.content, 'base64').toString('utf8')).toBe('# seeded\n');

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 30_000);
});

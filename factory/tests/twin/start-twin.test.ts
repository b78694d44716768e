import { mkdtemp, rm, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTwin, TWIN_MODEL_KEY, type Twin } from '../../src/twin/index.ts';

let seedDir: string;
let twin: Twin | undefined;

beforeEach(async () => {
  seedDir = await mkdtemp(join(tmpdir(), 'twin-seed-'));
  await mkdir(join(seedDir, 'src'));
  await writeFile(join(seedDir, 'src/hello.ts'), 'export const hello = 1;\n');
  await writeFile(join(seedDir, '.gitignore'), 'node_modules/\n');
  await mkdir(join(seedDir, 'node_modules/junk'), { recursive: true });
  await writeFile(join(seedDir, 'node_modules/junk/index.js'), '// must not be seeded\n');
});

afterEach(async () => {
  await twin?.close();
  twin = undefined;
  await rm(seedDir, { recursive: true, force: true });
});

describe('startTwin()', () => {
  it('serves the seeded checkout through the real Octokit, honouring .gitignore', async () => {
    twin = await startTwin({ seedDir, withRunner: false });
    const octokit = new Octokit({ baseUrl: twin.info.forge, auth: twin.info.tokens.writer });
    const [owner = '', repo = ''] = twin.info.repo.split('/');
    const file = await octokit.rest.repos.getContent({ owner, repo, path: 'src/hello.ts' });
    expect(file.status).toBe(200);
    await expect(
      octokit.rest.repos.getContent({ owner, repo, path: 'node_modules/junk/index.js' }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it('answers the real Anthropic SDK from its scripted model server', async () => {
    twin = await startTwin({
      seedDir,
      withRunner: false,
      script: { planner: [{ reply: { text: 'hello from the script', stopReason: 'end_turn' } }] },
    });
    const client = new Anthropic({
      apiKey: TWIN_MODEL_KEY,
      baseURL: twin.info.model,
      maxRetries: 0,
    });
    const reply = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      system: 'factory-role: planner',
      messages: [{ role: 'user', content: 'plan it' }],
    });
    expect(reply.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'hello from the script' }),
    ]);
  });

  it('removes every temporary file when closed', async () => {
    // A temporary directory of its own: other test files make temporary files at the same time.
    const own = await mkdtemp(join(tmpdir(), 'twin-temp-'));
    const shared = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      const started = await startTwin({ seedDir });
      expect(await readdir(own)).not.toEqual([]);
      await started.close();
      expect(await readdir(own)).toEqual([]);
    } finally {
      if (shared === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = shared;
      await rm(own, { recursive: true, force: true });
    }
  });
});

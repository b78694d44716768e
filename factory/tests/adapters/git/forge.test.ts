/**
 * The adapter against the twin forge's git smart HTTP: token in a header, a leased push, and the
 * refusal GitHub gives the default token for a push that changes `.github/workflows/`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clone, tokenAuthHeader, type Git } from '../../../src/adapters/git/index.ts';
import { createForge, type Forge, type PushResult } from '../../../src/twin/forge/index.ts';
import { FIXED_NOW, PERSON, scratch, sh, writeFiles } from './support.ts';

const WORKFLOWS = '.github/workflows/';
const SEED = {
  'README.md': '# Widgets\n',
  '.github/workflows/ci.yml': 'name: ci\non: push\n',
};

const BRANCHES = ['plain-push', 'default-token-rebase', 'app-token-rebase'] as const;
type Branch = (typeof BRANCHES)[number];

interface Scene {
  readonly forge: Forge;
  readonly mainSha: string;
  /** Each test works on its own branch, cut from main before main changed a workflow. */
  readonly branchSha: Readonly<Record<Branch, string>>;
}

let scene: Scene;
beforeAll(async () => {
  const forge = await createForge({
    seed: { files: SEED },
    app: { slug: 'factory-app', scopes: { contents: 'write', workflows: 'write' } },
  });
  const branchSha: Partial<Record<Branch, string>> = {};
  for (const branch of BRANCHES) {
    branchSha[branch] = await pushed(
      forge.push('writer', { branch, files: { [`src/${branch}.ts`]: 'a\n' } }),
    );
  }
  const mainSha = await pushed(
    forge.push('octo-owner', {
      branch: 'main',
      files: { '.github/workflows/ci.yml': 'name: ci\non: [push, pull_request]\n' },
    }),
  );
  scene = { forge, mainSha, branchSha: branchSha as Record<Branch, string> };
}, 60_000);
afterAll(async () => {
  await scene.forge.close();
});

async function pushed(result: Promise<PushResult>): Promise<string> {
  const { ok, sha, output } = await result;
  if (!ok) throw new Error(`setup push refused: ${output}`);
  return sha;
}

async function checkout(branch: Branch, token: string): Promise<Git> {
  const dir = join(await scratch(), 'checkout');
  const authHeader = tokenAuthHeader(token);
  return clone({ url: scene.forge.gitUrl, dir, ref: branch, authHeader, now: FIXED_NOW });
}

function forgeSha(branch: Branch): Promise<string> {
  return sh(scene.forge.gitDir, 'rev-parse', `refs/heads/${branch}`);
}

describe('git adapter over the twin forge', { timeout: 30_000 }, () => {
  it('clones and pushes over smart HTTP with the default token in a header, never on disk', async () => {
    const featureSha = scene.branchSha['plain-push'];
    const token = scene.forge.issueJobToken({ contents: 'write' }).token;
    const git = await checkout('plain-push', token);
    await writeFiles(git.dir, { 'src/a.ts': 'a2\n' });
    const commit = await git.commitAll({ message: 'apply patch', author: PERSON });
    if (commit.kind !== 'committed') throw new Error('no commit');

    const result = await git.push({
      remote: 'origin',
      branch: 'plain-push',
      expectedSha: featureSha,
    });

    expect(result).toEqual({ kind: 'pushed', sha: commit.sha });
    expect(await forgeSha('plain-push')).toBe(commit.sha);
    expect(await readFile(join(git.dir, '.git/config'), 'utf8')).not.toContain(token);
  });

  it('detects the workflow change a rebase carries, and the default token push is refused as workflow-permission', async () => {
    const { mainSha } = scene;
    const featureSha = scene.branchSha['default-token-rebase'];
    const token = scene.forge.issueJobToken({ contents: 'write' }).token;
    const git = await checkout('default-token-rebase', token);
    const rebased = await git.rebaseOnto({ upstream: await git.fetch('main') });
    if (rebased.kind !== 'rebased') throw new Error(`expected a rebase, got ${rebased.kind}`);

    const carried = await git.changesUnder(WORKFLOWS, featureSha, rebased.headSha);
    const result = await git.push({
      remote: 'origin',
      branch: 'default-token-rebase',
      expectedSha: featureSha,
    });

    expect(
      await git.changesUnder(WORKFLOWS, await git.mergeBase(featureSha, mainSha), mainSha),
    ).toEqual(carried);
    expect(carried).toEqual(['.github/workflows/ci.yml']);
    expect(result).toMatchObject({ kind: 'rejected', reason: 'workflow-permission' });
    if (result.kind === 'rejected') expect(result.message).not.toContain(token);
    expect(await forgeSha('default-token-rebase')).toBe(featureSha);
  });

  it('pushes the same rebase with an App token that holds the workflows permission', async () => {
    const { mainSha } = scene;
    const featureSha = scene.branchSha['app-token-rebase'];
    const appToken = scene.forge.appToken;
    if (appToken === undefined) throw new Error('the forge has no App');
    const git = await checkout('app-token-rebase', appToken);
    const rebased = await git.rebaseOnto({ upstream: await git.fetch('main') });

    const result = await git.push({
      remote: 'origin',
      branch: 'app-token-rebase',
      expectedSha: featureSha,
    });

    expect(rebased.kind).toBe('rebased');
    expect(result).toEqual({ kind: 'pushed', sha: await git.headSha() });
    expect(await forgeSha('app-token-rebase')).toBe(await git.headSha());
    expect(await git.mergeBase('HEAD', mainSha)).toBe(mainSha);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGitHub, GitHubError } from '../../../src/adapters/github/index.ts';
import { startAdapterForge } from './fixture.ts';

function blobShaOf(text: string): string {
  const content = Buffer.from(text, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${String(content.length)}\0`), content]))
    .digest('hex');
}

describe('GitHub adapter: permissions (R-12)', { timeout: 60_000 }, () => {
  it('reads the permission of an admin, a writer, a reader and a stranger', async () => {
    const { github } = await startAdapterForge();

    expect(await github.permissionOf('octo-owner')).toBe('admin');
    expect(await github.permissionOf('writer')).toBe('write');
    expect(await github.permissionOf('reader')).toBe('read');
    expect(await github.permissionOf('stranger')).toBe('none');
  });
});

describe('GitHub adapter: files at a ref', { timeout: 60_000 }, () => {
  it('reads a file’s text and blob SHA at a branch, and nothing for a missing path', async () => {
    const { forge, github } = await startAdapterForge();
    await forge.commit('writer', { branch: 'spec', files: { 'specs/0001.md': '# Spec\nwörds\n' } });

    expect(await github.readFile('specs/0001.md', 'spec')).toEqual({
      text: '# Spec\nwörds\n',
      blobSha: blobShaOf('# Spec\nwörds\n'),
    });
    expect(await github.readFile('specs/0001.md', 'main')).toBeUndefined();
    expect(await github.readFile('src', 'main')).toBeUndefined();
  });
});

describe('GitHub adapter: errors', { timeout: 60_000 }, () => {
  it('names the verb and GitHub’s message when a write is refused, and never shows the token', async () => {
    const { forge, client } = await startAdapterForge();
    const token = forge.as('reader');
    const asReader = createGitHub({
      octokit: client(token),
      repository: { owner: 'octo-owner', name: 'software-factory', defaultBranch: 'main' },
      factoryLogins: [],
    });

    const error = await asReader.setState(1, [], 'plan').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ verb: 'setState', status: 403 });
    expect(String(error)).toBe(
      'GitHubError: GitHub setState failed (403): Must have push access to repository',
    );
    expect(JSON.stringify(error)).not.toContain(token);
  });
});

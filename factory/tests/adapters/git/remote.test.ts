import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clone, GitError, tokenAuthHeader } from '../../../src/adapters/git/index.ts';
import { classifyPushRejection } from '../../../src/adapters/git/remote.ts';
import {
  cloneOf,
  commitToRemote,
  createRemote,
  PERSON,
  remoteSha,
  scratch,
  sh,
  writeFiles,
} from './support.ts';

const TOKEN = 'ghs_canaryTOKEN0123456789abcdef';
const SEED = { 'README.md': '# Widgets\n' };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/**
 * A git remote on loopback that records the Authorization header and fails every request, or
 * never answers at all.
 */
async function failingHttpRemote(
  answer: 'error' | 'silence' = 'error',
): Promise<{ url: string; seen: (string | undefined)[] }> {
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (answer === 'silence') return;
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('broken');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${String(port)}/owner/repo.git`, seen };
}

describe('git adapter clone and fetch', { timeout: 20_000 }, () => {
  it('clones a branch or an exact SHA, shallow when asked', async () => {
    const remote = await createRemote(SEED);
    const featureSha = await commitToRemote(remote.dir, 'feature', { 'a.txt': 'a\n' });

    const byBranch = await cloneOf(remote, 'feature');
    const bySha = await cloneOf(remote, remote.mainSha, { depth: 1 });

    expect(await byBranch.headSha()).toBe(featureSha);
    expect(await bySha.headSha()).toBe(remote.mainSha);
    expect(await sh(bySha.dir, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('checks out a branch tip it cloned without a fetch, and fetches a commit no branch holds', async () => {
    const remote = await createRemote(SEED);
    const tipSha = await commitToRemote(remote.dir, 'feature', { 'a.txt': 'a\n' });
    const hiddenSha = await commitToRemote(remote.dir, 'hidden', { 'b.txt': 'b\n' });
    await sh(remote.dir, 'update-ref', 'refs/pull/1/head', hiddenSha);
    await sh(remote.dir, 'branch', '--delete', '--force', 'hidden');

    const atTip = await cloneOf(remote, tipSha);
    const atHidden = await cloneOf(remote, hiddenSha);

    expect(await atTip.headSha()).toBe(tipSha);
    await expect(readFile(join(atTip.dir, '.git', 'FETCH_HEAD'))).rejects.toThrow(/ENOENT/);
    expect(await atHidden.headSha()).toBe(hiddenSha);
    expect(await readFile(join(atHidden.dir, '.git', 'FETCH_HEAD'), 'utf8')).toContain(hiddenSha);
  });

  it('refuses a URL that carries credentials and clones nothing', async () => {
    const dir = join(await scratch(), 'checkout');
    const url = `https://x-access-token:${TOKEN}@github.com/owner/repo.git`;

    const failure = await clone({ url, dir }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(GitError);
    expect(String(failure)).not.toContain(TOKEN);
    await expect(readFile(join(dir, '.git/config'))).rejects.toThrow(/ENOENT/);
  });

  it('stops a git process that outlives its time limit and throws a GitError', async () => {
    const server = await failingHttpRemote('silence');
    const dir = join(await scratch(), 'checkout');

    const failure = await clone({ url: server.url, dir, timeoutMs: 500 }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(GitError);
    expect(failure).toMatchObject({ subcommand: 'clone', exitCode: undefined });
    expect(String(failure)).toMatch(/did not finish.*stopped at the time limit of 500 ms/);
  });

  it('refuses a ref that git would read as an option', async () => {
    const git = await cloneOf(await createRemote(SEED));
    await expect(git.fetch('--upload-pack=touch /tmp/x')).rejects.toThrow(GitError);
  });
});

describe('git adapter credentials', { timeout: 20_000 }, () => {
  it('sends the auth header with each command and never writes it to .git/config or the remote URL', async () => {
    const remote = await createRemote(SEED);
    const header = tokenAuthHeader(TOKEN);
    const git = await cloneOf(remote, undefined, { authHeader: header });
    await writeFiles(git.dir, { 'b.txt': 'b\n' });
    await git.commitAll({ message: 'b', author: PERSON });
    await git.fetch('main');
    await git.push({ remote: 'origin', branch: 'b', expectedSha: null });

    const config = await readFile(join(git.dir, '.git/config'), 'utf8');
    expect(config).not.toContain(TOKEN);
    expect(config).not.toContain(header.slice('Authorization: Basic '.length));
    expect(config).not.toMatch(/extraheader/i);
    expect(await sh(git.dir, 'remote', 'get-url', 'origin')).toBe(remote.url);
  });

  it('scrubs the token from a GitError even when git prints the header it sent', async () => {
    const server = await failingHttpRemote();
    const dir = join(await scratch(), 'checkout');
    // Tracing that shows request headers unredacted: the worst a misconfigured runner could do.
    const env = { GIT_CURL_VERBOSE: '1', GIT_TRACE_REDACT: '0' };

    const failure = await clone({
      url: server.url,
      dir,
      authHeader: tokenAuthHeader(TOKEN),
      env,
    }).catch((error: unknown) => error);

    expect(server.seen[0]).toBe(tokenAuthHeader(TOKEN).slice('Authorization: '.length));
    expect(failure).toBeInstanceOf(GitError);
    const error = failure as GitError;
    expect(error).toMatchObject({ subcommand: 'clone', exitCode: 128 });
    expect(error.stderr).toMatch(/Send header: \*\*\*$/m);
    for (const text of [error.message, error.stderr, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    }
  });

  it('refuses an auth header that would smuggle a second header, before any request', async () => {
    const server = await failingHttpRemote();
    const dir = join(await scratch(), 'checkout');
    const authHeader = `Authorization: Bearer ${TOKEN}\r\nX-Evil: 1`;

    await expect(clone({ url: server.url, dir, authHeader })).rejects.toThrow(
      /auth header is malformed/,
    );
    expect(server.seen).toEqual([]);
  });
});

describe('git adapter push with lease', { timeout: 20_000 }, () => {
  it('pushes when the remote branch is still the expected SHA', async () => {
    const remote = await createRemote(SEED);
    const featureSha = await commitToRemote(remote.dir, 'feature', { 'a.txt': 'a\n' });
    const git = await cloneOf(remote, 'feature');
    await writeFiles(git.dir, { 'a.txt': 'a2\n' });
    const commit = await git.commitAll({ message: 'a2', author: PERSON });
    if (commit.kind !== 'committed') throw new Error('no commit');

    const result = await git.push({ remote: 'origin', branch: 'feature', expectedSha: featureSha });

    expect(result).toEqual({ kind: 'pushed', sha: commit.sha });
    expect(await remoteSha(remote, 'feature')).toBe(commit.sha);
  });

  it('rejects a stale lease and loses nothing: the remote keeps the other commit, the checkout keeps ours', async () => {
    const remote = await createRemote(SEED);
    const featureSha = await commitToRemote(remote.dir, 'feature', { 'a.txt': 'a\n' });
    const git = await cloneOf(remote, 'feature');
    await writeFiles(git.dir, { 'a.txt': 'ours\n' });
    const ours = await git.commitAll({ message: 'ours', author: PERSON });
    const theirs = await commitToRemote(remote.dir, 'feature', { 'a.txt': 'theirs\n' });

    const result = await git.push({ remote: 'origin', branch: 'feature', expectedSha: featureSha });

    expect(result).toEqual({
      kind: 'rejected',
      reason: 'stale',
      message: expect.stringContaining('stale info'),
    });
    expect(await remoteSha(remote, 'feature')).toBe(theirs);
    expect(ours).toEqual({ kind: 'committed', sha: await git.headSha() });
  });

  it('creates a branch only when it must not exist yet (expectedSha null)', async () => {
    const remote = await createRemote(SEED);
    const git = await cloneOf(remote);
    const head = await git.headSha();

    expect(await git.push({ remote: 'origin', branch: 'fresh', expectedSha: null })).toEqual({
      kind: 'pushed',
      sha: head,
    });
    await writeFiles(git.dir, { 'c.txt': 'c\n' });
    await git.commitAll({ message: 'c', author: PERSON });
    const again = await git.push({ remote: 'origin', branch: 'fresh', expectedSha: null });
    expect(again).toMatchObject({ kind: 'rejected', reason: 'stale' });
    expect(await remoteSha(remote, 'fresh')).toBe(head);
  });

  it('throws a GitError, not a rejection, when the remote cannot be reached at all', async () => {
    const git = await cloneOf(await createRemote(SEED));
    const missing = `file://${join(await scratch(), 'nowhere.git')}`;
    const failure = await git
      .push({ remote: missing, branch: 'x', expectedSha: null })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitError);
    expect(failure).toMatchObject({ subcommand: 'push' });
  });
});

describe('push rejection reasons', () => {
  it.each([
    [
      'GitHub refusing a workflow change to the default token',
      '!\trefs/heads/f:refs/heads/f\t[remote rejected] (refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission)',
      'workflow-permission',
    ],
    [
      'the same refusal for an OAuth App',
      'remote: refusing to allow an OAuth App to create or update workflow `.github/workflows/x.yml` without `workflow` scope',
      'workflow-permission',
    ],
    ['a lease that no longer holds', '!\tabc:refs/heads/f\t[rejected] (stale info)', 'stale'],
    [
      'a push that lost the race for the ref on the remote',
      "!\tabc:refs/heads/f\t[remote rejected] (cannot lock ref 'refs/heads/f': is at 123 but expected 456)",
      'stale',
    ],
    [
      'branch protection',
      '!\tabc:refs/heads/main\t[remote rejected] (protected branch hook declined)\nremote: error: GH006: Protected branch update failed',
      'rule',
    ],
    [
      'a ruleset',
      '!\tabc:refs/heads/f\t[remote rejected] (push declined due to repository rule violations)\nremote: error: GH013: Repository rule violations found for refs/heads/f.',
      'rule',
    ],
    ['a server error', '!\tabc:refs/heads/f\t[remote rejected] (Internal Server Error)', 'other'],
    [
      'a server error on a branch whose name holds a rule’s words',
      '!\tabc:refs/heads/spec/0042-declined-gh001\t[remote rejected] (Internal Server Error)',
      'other',
    ],
    [
      'the twin’s hook',
      '!\tabc:refs/heads/f\t[remote rejected] (pre-receive hook declined)',
      'rule',
    ],
  ] as const)('reads %s', (_, output, reason) => {
    expect(classifyPushRejection(output)).toBe(reason);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepository } from '../../../src/twin/forge/repository.ts';
import { startForge } from './support/fixture.ts';

describe('forge pull requests', { timeout: 30_000 }, () => {
  it('serves the repository and opens, lists, reads and edits a pull request', async () => {
    const { forge, client, owner, repo } = await startForge();
    const writer = client('writer');
    const { data: repository } = await writer.rest.repos.get({ owner, repo });
    expect(repository.default_branch).toBe('main');

    const number = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'a.txt': 'a\n' },
      title: 'Add a',
    });
    const { data: pulls } = await writer.rest.pulls.list({ owner, repo });
    expect(pulls.map((pull) => pull.number)).toEqual([number]);
    const { data: pull } = await writer.rest.pulls.get({ owner, repo, pull_number: number });
    expect(pull).toMatchObject({
      state: 'open',
      mergeable: true,
      head: { ref: 'feature' },
      base: { ref: 'main' },
    });
    expect(pull.node_id).toBe(
      (await writer.rest.pulls.get({ owner, repo, pull_number: number })).data.node_id,
    );

    const { data: edited } = await writer.rest.pulls.update({
      owner,
      repo,
      pull_number: number,
      title: 'Add a.txt',
    });
    expect(edited.title).toBe('Add a.txt');
    expect(forge.events.map((event) => `${event.name}:${event.action ?? ''}`)).toEqual([
      'push:',
      'pull_request:opened',
      'pull_request:edited',
    ]);
    expect(forge.internalErrors).toEqual([]);
  });

  it('lists the files a pull request changes against its base', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'a.txt': 'a\nb\n', 'README.md': '# Widgets\nmore\n', 'src/index.ts': null },
      title: 'Change files',
    });
    const { data: files } = await client('reader').rest.pulls.listFiles({
      owner,
      repo,
      pull_number: number,
    });
    expect(
      files.map((file) => [file.filename, file.status, file.additions, file.deletions]),
    ).toEqual([
      ['README.md', 'modified', 1, 0],
      ['a.txt', 'added', 2, 0],
      ['src/index.ts', 'removed', 0, 1],
    ]);
  });

  it('lists a moved file once, under its new name, naming the one it left, as GitHub does', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'move',
      files: { 'README.md': null, 'docs/README.md': '# Widgets\n' },
      title: 'Move the readme',
    });
    const { data: files } = await client('reader').rest.pulls.listFiles({
      owner,
      repo,
      pull_number: number,
    });
    expect(files).toEqual([
      expect.objectContaining({
        filename: 'docs/README.md',
        previous_filename: 'README.md',
        status: 'renamed',
        additions: 0,
        deletions: 0,
      }),
    ]);
  });

  it('refuses a pull request whose head does not exist with 422 Validation Failed', async () => {
    const { client, owner, repo } = await startForge();
    const error = await client('writer')
      .rest.pulls.create({ owner, repo, title: 't', head: 'missing', base: 'main' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 422,
      response: { data: { message: 'Validation Failed' } },
    });
  });

  it('squash-merges the tested head with real git and advances main', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'a.txt': 'a\n' },
      title: 'Add a',
    });
    const writer = client('writer');
    const { data: before } = await writer.rest.pulls.get({ owner, repo, pull_number: number });
    const { data: merged } = await writer.rest.pulls.merge({
      owner,
      repo,
      pull_number: number,
      sha: before.head.sha,
      merge_method: 'squash',
    });
    expect(merged.merged).toBe(true);
    const { data: ref } = await writer.rest.git.getRef({ owner, repo, ref: 'heads/main' });
    expect(ref.object.sha).toBe(merged.sha);
    const { data: commit } = await writer.rest.repos.getCommit({ owner, repo, ref: merged.sha });
    expect(commit.parents.map((parent) => parent.sha)).toEqual([before.base.sha]);
    expect(commit.commit.message).toMatch(/^Add a \(#1\)/);
    const { data: after } = await writer.rest.pulls.get({ owner, repo, pull_number: number });
    expect(after).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: merged.sha });
  });

  it('answers 409 to a merge whose sha is stale, and merges nothing', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'a.txt': 'a\n' },
      title: 'Add a',
    });
    const writer = client('writer');
    const { data: stale } = await writer.rest.pulls.get({ owner, repo, pull_number: number });
    await forge.commit('writer', { branch: 'feature', files: { 'b.txt': 'b\n' } });
    const mainBefore = (await writer.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data
      .object.sha;
    const error = await writer.rest.pulls
      .merge({ owner, repo, pull_number: number, sha: stale.head.sha, merge_method: 'squash' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 409,
      response: { data: { message: 'Head branch was modified. Review and try the merge again.' } },
    });
    expect((await writer.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha).toBe(
      mainBefore,
    );
    expect((await writer.rest.pulls.get({ owner, repo, pull_number: number })).data.merged).toBe(
      false,
    );
  });

  it('answers 405 to merging a conflicting pull request, and mergeable reads false', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'README.md': 'mine\n' },
      title: 'Mine',
    });
    const pushed = await forge.commit('octo-owner', {
      branch: 'main',
      files: { 'README.md': 'theirs\n' },
    });
    expect(pushed.ok).toBe(true);
    const writer = client('writer');
    expect((await writer.rest.pulls.get({ owner, repo, pull_number: number })).data.mergeable).toBe(
      false,
    );
    const error = await writer.rest.pulls
      .merge({ owner, repo, pull_number: number, merge_method: 'squash' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 405 });
    expect((await writer.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha).toBe(
      pushed.sha,
    );
  });
});

describe('a repository that does not allow squash merging', { timeout: 30_000 }, () => {
  it('says so on the repository and refuses a squash merge with GitHub’s 405, main untouched', async () => {
    const { forge, client, owner, repo } = await startForge({ allowSquashMerge: false });
    const number = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'a.txt': 'a\n' },
      title: 'Add a',
    });
    const writer = client('writer');
    const main = (await writer.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;

    expect((await writer.rest.repos.get({ owner, repo })).data.allow_squash_merge).toBe(false);
    const error = await writer.rest.pulls
      .merge({ owner, repo, pull_number: number, merge_method: 'squash' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      status: 405,
      response: { data: { message: 'Squash merges are not allowed on this repository.' } },
    });
    expect((await writer.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha).toBe(
      main,
    );
  });
});

describe('forge merge facts', { timeout: 30_000 }, () => {
  it('takes a failing merge-tree for a fault, not for a conflict to remember as unmergeable', async () => {
    const gitDir = await mkdtemp(join(tmpdir(), 'merge-tree-fault-'));
    execFileSync('git', ['init', '--quiet', '--bare', gitDir]);
    const repo = openRepository(gitDir);

    await expect(repo.mergeTree('1'.repeat(40), '2'.repeat(40))).rejects.toThrow(
      /git merge-tree failed \(1\): merge-tree: 1{40} - not something we can merge/,
    );
    await rm(gitDir, { recursive: true, force: true });
  });
});

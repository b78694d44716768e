import { describe, expect, it } from 'vitest';
import { startForge } from './support/fixture.ts';

const WORKFLOW_REFUSAL =
  'refusing to allow a GitHub App to create or update workflow `.github/workflows/new.yml` without `workflows` permission';

describe('forge git over smart HTTP', { timeout: 30_000 }, () => {
  it("refuses a default-token push that touches .github/workflows/ with GitHub's message, and moves nothing", async () => {
    const { forge } = await startForge();
    const grant = forge.issueJobToken({ contents: 'write', workflows: 'write' });
    const result = await forge.push(grant, {
      branch: 'bot',
      files: { '.github/workflows/new.yml': 'on: push\n' },
    });
    expect(result.ok).toBe(false);
    expect(result.output).toContain(WORKFLOW_REFUSAL);
    expect(result.output).toContain('[remote rejected]');
    expect((await forge.readRefs()).has('refs/heads/bot')).toBe(false);
    expect(forge.events).toEqual([]);
  });

  it('refuses the same change made as a server-side commit by the default token', async () => {
    const { forge } = await startForge();
    const grant = forge.issueJobToken({ contents: 'write' });
    const result = await forge.commit(grant, {
      branch: 'bot',
      files: { '.github/workflows/new.yml': 'on: push\n' },
    });
    expect(result).toMatchObject({ ok: false, output: WORKFLOW_REFUSAL });
    expect((await forge.readRefs()).has('refs/heads/bot')).toBe(false);
    expect((await forge.commit(grant, { branch: 'bot', files: { 'a.txt': 'a' } })).ok).toBe(true);
  });

  it("lets a person's push touch .github/workflows/", async () => {
    const { forge } = await startForge();
    const result = await forge.push('writer', {
      branch: 'human',
      files: { '.github/workflows/new.yml': 'on: push\n' },
    });
    expect(result.ok).toBe(true);
    expect((await forge.readRefs()).get('refs/heads/human')).toBe(result.sha);
  });

  it('refuses an App without the workflows permission, and lets one with it through', async () => {
    const without = await startForge({
      app: { slug: 'factory-app', scopes: { contents: 'write' } },
    });
    const appToken = without.forge.appToken ?? '';
    const grantOf = (token: string, login: string) => ({
      token,
      actor: { login, type: 'Bot' as const },
      kind: 'app' as const,
    });
    const refused = await without.forge.push(grantOf(appToken, 'factory-app[bot]'), {
      branch: 'app',
      files: { '.github/workflows/new.yml': 'on: push\n' },
    });
    expect(refused.output).toContain(WORKFLOW_REFUSAL);
    const withScope = await startForge({
      app: { slug: 'factory-app', scopes: { contents: 'write', workflows: 'write' } },
    });
    const allowed = await withScope.forge.push(
      grantOf(withScope.forge.appToken ?? '', 'factory-app[bot]'),
      {
        branch: 'app',
        files: { '.github/workflows/new.yml': 'on: push\n' },
      },
    );
    expect(allowed.ok).toBe(true);
  });

  it("refuses the default token's rebase that carries main's workflow change onto a branch", async () => {
    const { forge } = await startForge();
    const grant = forge.issueJobToken({ contents: 'write' });
    expect((await forge.push(grant, { branch: 'topic', files: { 'a.txt': 'a' } })).ok).toBe(true);
    expect(
      (
        await forge.push('octo-owner', {
          branch: 'main',
          files: { '.github/workflows/new.yml': 'x' },
        })
      ).ok,
    ).toBe(true);
    const rebased = await forge.push(grant, {
      branch: 'topic',
      from: 'main',
      files: { 'a.txt': 'a' },
      force: true,
    });
    expect(rebased.output).toContain(WORKFLOW_REFUSAL);
  });

  it('moves pull request heads after a push and emits push then synchronize as the pusher', async () => {
    const { forge, client, owner, repo } = await startForge();
    const number = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'a.txt': 'a' },
      title: 'A',
    });
    const grant = forge.issueJobToken({ contents: 'write' });
    const pushed = await forge.push(grant, { branch: 'feature', files: { 'b.txt': 'b' } });
    expect(pushed.ok).toBe(true);
    const { data: pull } = await client('writer').rest.pulls.get({
      owner,
      repo,
      pull_number: number,
    });
    expect(pull.head.sha).toBe(pushed.sha);
    const last = forge.events.slice(-2);
    expect(
      last.map((event) => [event.name, event.action, event.actor.login, event.tokenKind]),
    ).toEqual([
      ['push', undefined, 'github-actions[bot]', 'default-token'],
      ['pull_request', 'synchronize', 'github-actions[bot]', 'default-token'],
    ]);
    expect(last[1]?.payload).toMatchObject({
      after: pushed.sha,
      pull_request: { head: { sha: pushed.sha } },
    });
    expect((await forge.readRefs()).get(`refs/pull/${String(number)}/head`)).toBe(pushed.sha);
  });

  it('lets a read-only token clone but not push, and turns away an unknown token', async () => {
    const { forge } = await startForge();
    const reader = forge.issueJobToken({ contents: 'read' });
    const refused = await forge.push(reader, { branch: 'nope', files: { 'a.txt': 'a' } });
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/403|denied/);
    const stranger = await forge
      .push(
        { token: 'ghs_unknown', actor: { login: 'x', type: 'User' }, kind: 'user' },
        { branch: 'nope', files: {} },
      )
      .catch((e: unknown) => e);
    expect(String(stranger)).toMatch(/Authentication failed|401|could not read Username/);
    expect((await forge.readRefs()).has('refs/heads/nope')).toBe(false);
  });
});

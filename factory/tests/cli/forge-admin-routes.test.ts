/**
 * The twin forge routes added for the command line (workflow permissions, secrets, branches and
 * protection, the authenticated user, file writes), each response checked against GitHub's
 * OpenAPI description by the forge contract tests' client.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startForge as startPlainForge } from '../twin/forge/support/fixture.ts';
import type { ResponseValidator } from '../twin/forge/support/openapi.ts';

const validators: ResponseValidator[] = [];

/** A forge whose client's validator is kept, so the last test can see what was checked. */
async function startForge(options: Parameters<typeof startPlainForge>[0] = {}) {
  const fixture = await startPlainForge(options);
  validators.push(fixture.validator);
  return fixture;
}

const SEALED = Buffer.from('sealed').toString('base64');

describe('twin forge: repository settings routes (OpenAPI-checked)', { timeout: 30_000 }, () => {
  it('reads and sets the Actions workflow permissions, admins only', async () => {
    const { client, owner, repo } = await startForge({ actionsMayCreateAndApprove: false });
    const admin = client('octo-owner');

    const before = await admin.rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository({
      owner,
      repo,
    });
    expect(before.data).toEqual({
      default_workflow_permissions: 'read',
      can_approve_pull_request_reviews: false,
    });
    await admin.rest.actions.setGithubActionsDefaultWorkflowPermissionsRepository({
      owner,
      repo,
      can_approve_pull_request_reviews: true,
      default_workflow_permissions: 'write',
    });
    const after = await admin.rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository({
      owner,
      repo,
    });
    expect(after.data).toEqual({
      default_workflow_permissions: 'write',
      can_approve_pull_request_reviews: true,
    });

    await expect(
      client('writer').rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository({
        owner,
        repo,
      }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('lets the default token approve once the setting is on', async () => {
    const { forge, client, owner, repo } = await startForge({ actionsMayCreateAndApprove: false });
    const pr = await forge.openPullRequest('writer', {
      branch: 'feature',
      files: { 'a.txt': 'a\n' },
      title: 'A',
    });
    const job = client(forge.issueJobToken({ 'pull-requests': 'write' }).token);
    const approve = () =>
      job.rest.pulls.createReview({ owner, repo, pull_number: pr, event: 'APPROVE' });

    await expect(approve()).rejects.toMatchObject({ status: 422 });
    await client('octo-owner').rest.actions.setGithubActionsDefaultWorkflowPermissionsRepository({
      owner,
      repo,
      can_approve_pull_request_reviews: true,
    });
    expect((await approve()).data.state).toBe('APPROVED');
  });

  it('stores secret names (never values), lists and deletes them', async () => {
    const { client, owner, repo } = await startForge();
    const admin = client('octo-owner');
    const { data: key } = await admin.rest.actions.getRepoPublicKey({ owner, repo });
    const put = (name: string) =>
      admin.rest.actions.createOrUpdateRepoSecret({
        owner,
        repo,
        secret_name: name,
        encrypted_value: SEALED,
        key_id: key.key_id,
      });

    expect((await put('anthropic_api_key')).status).toBe(201);
    expect((await put('ANTHROPIC_API_KEY')).status).toBe(204);
    const listed = await admin.rest.actions.listRepoSecrets({ owner, repo });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.secrets.map((secret) => secret.name)).toEqual(['ANTHROPIC_API_KEY']);
    expect(JSON.stringify(listed.data)).not.toContain(SEALED);

    await admin.rest.actions.deleteRepoSecret({ owner, repo, secret_name: 'ANTHROPIC_API_KEY' });
    expect((await admin.rest.actions.listRepoSecrets({ owner, repo })).data.total_count).toBe(0);
    await expect(
      client('writer').rest.actions.listRepoSecrets({ owner, repo }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('shows a branch’s protection to readers and lets admins set and remove it', async () => {
    const { client, owner, repo } = await startForge();
    const admin = client('octo-owner');

    const open = await client('reader').rest.repos.getBranch({ owner, repo, branch: 'main' });
    expect(open.data.protected).toBe(false);
    await expect(
      admin.rest.repos.getBranchProtection({ owner, repo, branch: 'main' }),
    ).rejects.toMatchObject({
      status: 404,
    });

    await admin.rest.repos.updateBranchProtection({
      owner,
      repo,
      branch: 'main',
      required_status_checks: { strict: true, contexts: ['factory/ci'] },
      enforce_admins: true,
      required_pull_request_reviews: null,
      restrictions: null,
    });
    const shown = await client('reader').rest.repos.getBranch({ owner, repo, branch: 'main' });
    expect(shown.data.protected).toBe(true);
    expect(shown.data.protection.required_status_checks?.contexts).toEqual(['factory/ci']);
    const full = await admin.rest.repos.getBranchProtection({ owner, repo, branch: 'main' });
    expect(full.data.required_status_checks?.contexts).toEqual(['factory/ci']);

    await admin.rest.repos.deleteBranchProtection({ owner, repo, branch: 'main' });
    expect((await admin.rest.repos.getBranch({ owner, repo, branch: 'main' })).data.protected).toBe(
      false,
    );
    await expect(
      client('writer').rest.repos.getBranch({ owner, repo, branch: 'nope' }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it('names a person’s token and refuses the question for the default token', async () => {
    const { forge, client } = await startForge();

    expect((await client('writer').rest.users.getAuthenticated()).data.login).toBe('writer');
    await expect(
      client(forge.issueJobToken({ contents: 'read' }).token).rest.users.getAuthenticated(),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('creates a file on a branch with a commit, and wants the blob SHA to change it', async () => {
    const { forge, client, owner, repo } = await startForge();
    const writer = client('writer');
    const { data: main } = await writer.rest.git.getRef({ owner, repo, ref: 'heads/main' });
    await writer.rest.git.createRef({ owner, repo, ref: 'refs/heads/spec', sha: main.object.sha });
    const put = (sha?: string) =>
      writer.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: 'specs/0002-a.md',
        branch: 'spec',
        message: 'Add spec',
        content: Buffer.from(sha === undefined ? '# A\n' : '# B\n').toString('base64'),
        ...(sha === undefined ? {} : { sha }),
      });

    const created = await put();
    expect(created.status).toBe(201);
    expect(created.data.commit.parents?.[0]?.sha).toBe(main.object.sha);
    expect(created.data.commit.author?.name).toBe('writer');
    await expect(put()).rejects.toMatchObject({ status: 422 });
    const updated = await put(created.data.content?.sha);
    expect(updated.status).toBe(200);
    expect((await forge.readRefs()).get('refs/heads/spec')).toBe(updated.data.commit.sha);

    await expect(
      client('reader').rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: 'x.md',
        message: 'x',
        content: '',
      }),
    ).rejects.toMatchObject({ status: 403 });
  });

  afterAll(() => {
    const checked = new Set(validators.flatMap((validator) => [...validator.checked]));
    // A route missing here would have gone unchecked: its path or status is not in the schema.
    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        'GET /repos/{owner}/{repo}/actions/permissions/workflow 200',
        'GET /repos/{owner}/{repo}/actions/secrets 200',
        'GET /repos/{owner}/{repo}/actions/secrets/public-key 200',
        'PUT /repos/{owner}/{repo}/actions/secrets/{secret_name} 201',
        'GET /repos/{owner}/{repo}/branches/{branch} 200',
        'GET /repos/{owner}/{repo}/branches/{branch} 404',
        'PUT /repos/{owner}/{repo}/branches/{branch}/protection 200',
        'GET /repos/{owner}/{repo}/branches/{branch}/protection 200',
        'GET /repos/{owner}/{repo}/branches/{branch}/protection 404',
        'GET /user 200',
        'PUT /repos/{owner}/{repo}/contents/{path} 201',
        'PUT /repos/{owner}/{repo}/contents/{path} 200',
        'PUT /repos/{owner}/{repo}/contents/{path} 422',
      ]),
    );
  });
});

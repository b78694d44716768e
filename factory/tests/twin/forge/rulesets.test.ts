/**
 * A repository ruleset that requires signed commits refuses an unsigned git push to a branch it
 * covers, as GitHub does with its GH013 message, and moves nothing; GitHub's own commits (the web
 * editor's) are signed and pass. Only admins write rulesets, and a rule the twin does not enforce
 * is refused rather than silently ignored.
 */
import { describe, expect, it } from 'vitest';
import { startForge, type ForgeFixture } from './support/fixture.ts';

function requireSignatures(fixture: ForgeFixture, login: string, exclude: string[] = []) {
  const { client, owner, repo } = fixture;
  return client(login).rest.repos.createRepoRuleset({
    owner,
    repo,
    name: 'signed commits',
    target: 'branch',
    enforcement: 'active',
    conditions: { ref_name: { include: ['~ALL'], exclude } },
    rules: [{ type: 'required_signatures' }],
  });
}

/** The owner adds a ruleset with one push rule on `branch`. */
function ruleOn(fixture: ForgeFixture, branch: string, type: 'non_fast_forward' | 'update') {
  const { client, owner, repo } = fixture;
  return client('octo-owner').rest.repos.createRepoRuleset({
    owner,
    repo,
    name: `${type} on ${branch}`,
    enforcement: 'active',
    conditions: { ref_name: { include: [`refs/heads/${branch}`], exclude: [] } },
    rules: [{ type }],
  });
}

describe('forge rulesets', { timeout: 30_000 }, () => {
  it('refuses an unsigned push to a covered branch with GitHub’s GH013 message, moving nothing', async () => {
    const fixture = await startForge();
    const { forge } = fixture;
    const { status, data } = await requireSignatures(fixture, 'octo-owner', ['refs/heads/free/*']);
    expect(status).toBe(201);
    expect(data).toMatchObject({ name: 'signed commits', enforcement: 'active' });

    const refused = await forge.push('writer', { branch: 'feature', files: { 'a.txt': 'a\n' } });

    expect(refused.ok).toBe(false);
    expect(refused.output).toContain(
      'GH013: Repository rule violations found for refs/heads/feature.',
    );
    expect(refused.output).toContain('- Commits must have verified signatures.');
    expect(refused.output).toContain('[remote rejected]');
    expect((await forge.readRefs()).has('refs/heads/feature')).toBe(false);
    expect(forge.events).toEqual([]);
  });

  it('lets through a push to an excluded branch, and a commit GitHub makes itself', async () => {
    const fixture = await startForge();
    const { forge } = fixture;
    await requireSignatures(fixture, 'octo-owner', ['refs/heads/free/*']);

    expect((await forge.push('writer', { branch: 'free/x', files: { 'a.txt': 'a\n' } })).ok).toBe(
      true,
    );
    // As in GitHub's fnmatch patterns, `*` stops at a slash: a branch further down is covered.
    const nested = await forge.push('writer', { branch: 'free/a/b', files: { 'a.txt': 'a\n' } });
    expect(nested.output).toContain(
      'GH013: Repository rule violations found for refs/heads/free/a/b.',
    );
    expect((await forge.commit('writer', { branch: 'web', files: { 'b.txt': 'b\n' } })).ok).toBe(
      true,
    );
  });

  it('refuses a force push under non_fast_forward and any update under update, each with its GH013 line', async () => {
    const fixture = await startForge();
    const { forge } = fixture;
    for (const branch of ['linear', 'frozen'])
      expect((await forge.push('writer', { branch, files: { 'a.txt': 'a\n' } })).ok).toBe(true);
    await ruleOn(fixture, 'linear', 'non_fast_forward');
    await ruleOn(fixture, 'frozen', 'update');
    const before = await forge.readRefs();

    const ahead = await forge.push('writer', { branch: 'linear', files: { 'b.txt': 'b\n' } });
    const forced = await forge.push('writer', {
      branch: 'linear',
      from: 'main',
      files: { 'c.txt': 'c\n' },
      force: true,
    });
    const frozen = await forge.push('writer', { branch: 'frozen', files: { 'b.txt': 'b\n' } });

    expect(ahead.ok).toBe(true);
    expect(forced.ok).toBe(false);
    expect(forced.output).toContain('- Cannot force-push to this branch');
    expect(frozen.ok).toBe(false);
    expect(frozen.output).toContain('- Cannot update this protected ref.');
    expect((await forge.readRefs()).get('refs/heads/frozen')).toBe(before.get('refs/heads/frozen'));
  });

  it('holds GitHub’s own branch update to the rules as the twin models it: no rebase under non_fast_forward, nothing under update', async () => {
    const fixture = await startForge();
    const { forge, client, owner, repo } = fixture;
    const open = (branch: string) =>
      forge.openPullRequest('writer', { branch, files: { [`${branch}.txt`]: 'x' }, title: branch });
    const [linear, frozen] = [await open('linear'), await open('frozen')];
    await forge.commit('octo-owner', { branch: 'main', files: { 'main.txt': 'm' } });
    await ruleOn(fixture, 'linear', 'non_fast_forward');
    await ruleOn(fixture, 'frozen', 'update');
    const bot = client(forge.issueJobToken({ contents: 'write', 'pull-requests': 'write' }).token);
    const update = async (number: number, method: 'REBASE' | 'MERGE') => {
      const { data: pull } = await bot.rest.pulls.get({ owner, repo, pull_number: number });
      return bot
        .graphql(
          `mutation($id: ID!, $how: PullRequestBranchUpdateMethod) {
            updatePullRequestBranch(input: {pullRequestId: $id, updateMethod: $how}) { pullRequest { headRefOid } }
          }`,
          { id: pull.node_id, how: method },
        )
        .then(
          () => 'updated',
          (error: unknown) => String(error),
        );
    };

    expect(await update(linear, 'REBASE')).toMatch(/Cannot force-push to this branch/);
    expect(await update(linear, 'MERGE')).toBe('updated');
    expect(await update(frozen, 'MERGE')).toMatch(/Cannot update this protected ref/);
  });

  it('tells anyone who can read the repository which rules apply to a branch, existing or not', async () => {
    const fixture = await startForge();
    const { client, owner, repo } = fixture;
    const { data: ruleset } = await requireSignatures(fixture, 'octo-owner', ['refs/heads/free/*']);
    const rulesOf = async (branch: string) =>
      (await client('reader').rest.repos.getBranchRules({ owner, repo, branch })).data;

    expect(await rulesOf('spec/0001-example')).toEqual([
      {
        type: 'required_signatures',
        ruleset_source_type: 'Repository',
        ruleset_source: `${owner}/${repo}`,
        ruleset_id: ruleset.id,
      },
    ]);
    expect(await rulesOf('free/x')).toEqual([]);
  });

  it('reads ref patterns as GitHub’s fnmatch does: sets, and a double star that may match no folder', async () => {
    const fixture = await startForge();
    const { client, owner, repo } = fixture;
    await client('octo-owner').rest.repos.createRepoRuleset({
      owner,
      repo,
      name: 'patterns',
      enforcement: 'active',
      conditions: { ref_name: { include: ['qa/**/*', 'release-[0-9]', 'v[!0-9]'], exclude: [] } },
      rules: [{ type: 'update' }],
    });
    const covered = async (branch: string) =>
      (await client('reader').rest.repos.getBranchRules({ owner, repo, branch })).data.length > 0;

    expect(await covered('qa/x')).toBe(true);
    expect(await covered('qa/a/b')).toBe(true);
    expect(await covered('qa')).toBe(false);
    expect(await covered('release-7')).toBe(true);
    expect(await covered('release-x')).toBe(false);
    expect(await covered('vx')).toBe(true);
    expect(await covered('v1')).toBe(false);
  });

  it('refuses a ruleset from someone without admin rights, and one with a rule the twin does not enforce, writing nothing', async () => {
    const fixture = await startForge();
    const { forge, client, owner, repo } = fixture;

    await expect(requireSignatures(fixture, 'writer')).rejects.toMatchObject({ status: 403 });
    await expect(
      client('octo-owner').rest.repos.createRepoRuleset({
        owner,
        repo,
        name: 'linear',
        enforcement: 'active',
        rules: [{ type: 'creation' }],
      }),
    ).rejects.toMatchObject({ status: 422 });

    const { data } = await client('octo-owner').rest.repos.getRepoRulesets({ owner, repo });
    expect(data).toEqual([]);
    expect((await forge.push('writer', { branch: 'feature', files: { 'a.txt': 'a\n' } })).ok).toBe(
      true,
    );
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/commands/doctor.ts';
import { runLabelsSync } from '../../src/cli/commands/labels.ts';
import { localUsesOf } from '../../src/cli/commands/doctor-workflows.ts';
import { REPO, SEED_FILES, startCliForge, type CliFixture, clientFor } from './support.ts';

const repo = { owner: 'octo-owner', repo: 'software-factory' };
const REPO_ROOT = new URL('../../..', import.meta.url).pathname;

/** Every file under this checkout's `.github/`: the workflows a fork gets. */
async function readTemplateGithubFolder(): Promise<Record<string, string>> {
  const entries = await readdir(join(REPO_ROOT, '.github'), {
    recursive: true,
    withFileTypes: true,
  });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((found) => found.isFile())) {
    const absolute = join(entry.parentPath, entry.name);
    files[relative(REPO_ROOT, absolute)] = await readFile(absolute, 'utf8');
  }
  return files;
}

function asOwner(fixture: CliFixture) {
  return clientFor(fixture.forge, 'octo-owner');
}

/** Labels, the model secret and protection requiring factory/ci: what a set-up fork has. */
async function arrangeHealthy(
  fixture: CliFixture,
  requiredChecks = ['factory/ci'],
  upToDate = true,
  reviews: {
    required_approving_review_count: number;
    dismiss_stale_reviews?: boolean;
    require_last_push_approval?: boolean;
    require_code_owner_reviews?: boolean;
  } | null = null,
) {
  const owner = asOwner(fixture);
  expect(await runLabelsSync({ repo: REPO }, fixture.deps('octo-owner'))).toBe(0);
  const { data: key } = await owner.rest.actions.getRepoPublicKey(repo);
  await owner.rest.actions.createOrUpdateRepoSecret({
    ...repo,
    secret_name: 'ANTHROPIC_API_KEY',
    encrypted_value: Buffer.from('sealed').toString('base64'),
    key_id: key.key_id,
  });
  await owner.rest.repos.updateBranchProtection({
    ...repo,
    branch: 'main',
    required_status_checks: { strict: upToDate, contexts: requiredChecks },
    enforce_admins: null,
    required_pull_request_reviews: reviews,
    restrictions: null,
  });
  fixture.forge.requestLog.reset();
}

interface DoctorReport {
  readonly worst: string;
  readonly findings: readonly { id: string; level: string; summary: string; fix?: string }[];
}

async function doctorJson(fixture: CliFixture, login = 'octo-owner', strict = false) {
  const deps = fixture.deps(login);
  const code = await runDoctor({ repo: REPO, json: true, strict }, deps);
  const report = JSON.parse(deps.captured.out.join('\n')) as DoctorReport;
  const level = (id: string) => report.findings.find((finding) => finding.id === id);
  return { code, report, level };
}

describe('factory doctor', { timeout: 30_000 }, () => {
  it('passes a repository set up as the guide says, and writes nothing', async () => {
    const fixture = await startCliForge();
    await arrangeHealthy(fixture);
    const deps = fixture.deps('octo-owner');

    expect(await runDoctor({ repo: REPO }, deps)).toBe(0);

    expect(deps.captured.out[0]).toBe(`Checking ${REPO}`);
    expect(deps.captured.out.at(-1)).toBe('13 ok, 0 warning(s), 0 failure(s)');
    expect(deps.captured.out.join('\n')).toContain(
      'main requires "factory/ci" on heads up to date with it, as the config says.',
    );
    expect(fixture.writes()).toEqual([]);
  });

  it('fails for each missing stage workflow, naming the files', async () => {
    const seed = { ...SEED_FILES };
    delete seed['.github/workflows/watchdog.yml'];
    delete seed['.github/workflows/ci.yml'];
    const fixture = await startCliForge({ seed: { files: seed } });
    await arrangeHealthy(fixture);

    const { code, level } = await doctorJson(fixture);

    expect(code).toBe(1);
    expect(level('workflows')).toMatchObject({
      level: 'fail',
      summary: 'Missing on main: .github/workflows/watchdog.yml, .github/workflows/ci.yml.',
    });
  });

  it('accepts the template’s own workflows and what they call, and fails a missing callee', async () => {
    const template = await readTemplateGithubFolder();
    const fixture = await startCliForge({ seed: { files: { ...SEED_FILES, ...template } } });
    await arrangeHealthy(fixture);

    const whole = await doctorJson(fixture);
    expect(whole.level('workflows')?.level).toBe('ok');
    expect(whole.level('workflows')?.summary).toMatch(
      /^All 9 workflows are on main with the \d+ they call\.$/,
    );

    await fixture.forge.commit('octo-owner', {
      branch: 'main',
      files: { '.github/workflows/agent-stage.yml': null },
    });
    const broken = await doctorJson(fixture);
    expect(broken.level('workflows')).toMatchObject({ level: 'fail' });
    expect(broken.level('workflows')?.summary).toContain(
      '.github/workflows/agent-stage.yml (called by .github/workflows/',
    );
  });

  it('fails a dispatched workflow that does not declare every input the line sends it, which GitHub would refuse', async () => {
    const template = await readTemplateGithubFolder();
    const plan = template['.github/workflows/plan.yml'] ?? '';
    const olderPlan = plan.replace(/\n {6}dispatch_id:\n(?: {8}.*\n)+/, '\n');
    const fixture = await startCliForge({
      seed: { files: { ...SEED_FILES, ...template, '.github/workflows/plan.yml': olderPlan } },
    });
    await arrangeHealthy(fixture);

    const { code, level } = await doctorJson(fixture);

    expect(olderPlan).not.toContain('dispatch_id:');
    expect(code).toBe(1);
    expect(level('workflows')).toMatchObject({
      level: 'fail',
      summary:
        '.github/workflows/plan.yml does not declare the inputs dispatch_id: GitHub would refuse every dispatch the line makes to it.',
    });
    expect(fixture.writes()).toEqual([]);
  });

  it('fails a dispatched workflow that requires an input the line never sends', async () => {
    const template = await readTemplateGithubFolder();
    const scheduler = (template['.github/workflows/scheduler.yml'] ?? '').replace(
      '    inputs:\n',
      '    inputs:\n      since:\n        description: A day.\n        required: true\n        type: string\n',
    );
    const fixture = await startCliForge({
      seed: { files: { ...SEED_FILES, ...template, '.github/workflows/scheduler.yml': scheduler } },
    });
    await arrangeHealthy(fixture);

    const { level } = await doctorJson(fixture);

    expect(scheduler).toContain('      since:\n');
    expect(level('workflows')).toMatchObject({
      level: 'fail',
      summary:
        '.github/workflows/scheduler.yml requires since, which the line never sends: GitHub would refuse every dispatch the line makes to it.',
    });
  });

  it('fails a stage workflow a person’s label would not start, and one that is not YAML, saying which', async () => {
    const template = await readTemplateGithubFolder();
    const review = (template['.github/workflows/code-review.yml'] ?? '').replace(
      /\n {2}pull_request_target:\n {4}types: \[labeled\]\n/,
      '\n',
    );
    const fixture = await startCliForge({
      seed: {
        files: {
          ...SEED_FILES,
          ...template,
          '.github/workflows/code-review.yml': review,
          '.github/workflows/merge.yml': 'on: [\n',
        },
      },
    });
    await arrangeHealthy(fixture);

    const { level } = await doctorJson(fixture);

    expect(review).not.toContain('pull_request_target');
    expect(level('workflows')?.level).toBe('fail');
    expect(level('workflows')?.summary).toContain(
      '.github/workflows/code-review.yml does not run on `pull_request_target` `labeled`: a state label a person sets, to queue or to resume, would start nothing.',
    );
    expect(level('workflows')?.summary).toMatch(
      /\.github\/workflows\/merge\.yml is not valid YAML \(.+\)\./,
    );
  });

  it('fails when Actions may not approve pull requests', async () => {
    const fixture = await startCliForge({ actionsMayCreateAndApprove: false });
    await arrangeHealthy(fixture);

    const tokenMode = await doctorJson(fixture);
    expect(tokenMode.code).toBe(1);
    expect(tokenMode.level('actions-permissions')).toMatchObject({ level: 'fail' });
    expect(tokenMode.level('actions-permissions')?.fix).toContain(
      `gh api -X PUT repos/${REPO}/actions/permissions/workflow -F can_approve_pull_request_reviews=true`,
    );
  });

  it('fails where Actions are off or may not use the workflows’ actions, and warns where only some may', async () => {
    const fixture = await startCliForge();
    await arrangeHealthy(fixture);
    const allow = (enabled: boolean, allowed?: 'local_only' | 'selected') =>
      asOwner(fixture).rest.actions.setGithubActionsPermissionsRepository({
        ...repo,
        enabled,
        ...(allowed === undefined ? {} : { allowed_actions: allowed }),
      });

    await allow(false);
    const off = await doctorJson(fixture);
    expect(off.level('actions')).toMatchObject({ level: 'fail' });
    expect(off.level('actions')?.fix).toContain('Actions tab (a fork starts with them disabled)');
    expect(off.code).toBe(1);

    await allow(true, 'local_only');
    const local = await doctorJson(fixture);
    expect(local.level('actions')).toMatchObject({ level: 'fail' });
    expect(local.level('actions')?.summary).toContain('pnpm/action-setup');

    await allow(true, 'selected');
    const selected = await doctorJson(fixture);
    expect(selected.level('actions')).toMatchObject({ level: 'warn' });
    expect(selected.code).toBe(0);
  });

  it('fails a repository that does not allow squash merging, the only method the line uses', async () => {
    const fixture = await startCliForge({ allowSquashMerge: false });
    await arrangeHealthy(fixture);

    const { code, level } = await doctorJson(fixture);

    expect(code).toBe(1);
    expect(level('squash-merge')).toMatchObject({ level: 'fail' });
    expect(level('squash-merge')?.fix).toContain('-F allow_squash_merge=true');
  });

  it('fails rulesets that refuse the line’s pushes to spec branches, naming each, and passes them kept to main', async () => {
    const fixture = await startCliForge();
    await arrangeHealthy(fixture);
    const ruleset = (
      include: string[],
      types: ('required_signatures' | 'non_fast_forward' | 'update')[],
    ) =>
      asOwner(fixture).rest.repos.createRepoRuleset({
        ...repo,
        name: `${types.join(' ')} on ${include.join(' ')}`,
        enforcement: 'active',
        conditions: { ref_name: { include, exclude: [] } },
        rules: types.map((type) => ({ type })),
      });
    await ruleset(['~DEFAULT_BRANCH'], ['required_signatures', 'non_fast_forward', 'update']);

    expect((await doctorJson(fixture)).level('push-rules')).toMatchObject({ level: 'ok' });

    // Against force pushes on every branch: the merge merges main in instead of rebasing.
    await ruleset(['~ALL'], ['non_fast_forward']);
    expect((await doctorJson(fixture)).level('push-rules')).toMatchObject({ level: 'ok' });

    await ruleset(['refs/heads/spec/**'], ['required_signatures']);
    await ruleset(['~ALL'], ['update']);
    const { code, level } = await doctorJson(fixture);

    expect(code).toBe(1);
    expect(level('push-rules')).toMatchObject({ level: 'fail' });
    expect(level('push-rules')?.summary).toBe(
      'Rulesets on spec branches such as spec/0001-example require signed commits (the line’s are not); no updates: GitHub would refuse those pushes, and each PR would park push-refused.',
    );
    expect(level('push-rules')?.fix).toContain('Target those rules at main alone');
  });

  it('sees the setting change once an admin allows it', async () => {
    const fixture = await startCliForge({ actionsMayCreateAndApprove: false });
    await arrangeHealthy(fixture);
    await asOwner(fixture).rest.actions.setGithubActionsDefaultWorkflowPermissionsRepository({
      ...repo,
      can_approve_pull_request_reviews: true,
    });

    expect((await doctorJson(fixture)).level('actions-permissions')?.level).toBe('ok');
  });

  it('fails without the model secret and says the gh command that sets it', async () => {
    const fixture = await startCliForge();
    await arrangeHealthy(fixture);
    await asOwner(fixture).rest.actions.deleteRepoSecret({
      ...repo,
      secret_name: 'ANTHROPIC_API_KEY',
    });

    const { code, level } = await doctorJson(fixture);

    expect(code).toBe(1);
    expect(level('secret')?.level).toBe('fail');
    expect(level('secret')?.fix).toContain(`gh secret set ANTHROPIC_API_KEY --repo ${REPO}`);
  });

  it('fails a reader’s token and warns, without failing, for an installation token', async () => {
    const fixture = await startCliForge({
      app: { slug: 'factory-app', scopes: { contents: 'read' } },
    });
    await arrangeHealthy(fixture);

    const reader = await doctorJson(fixture, 'reader');
    expect(reader.level('token')).toMatchObject({
      level: 'fail',
      summary: expect.stringContaining('@reader, who has read permission') as string,
    });

    const deps = fixture.deps('octo-owner', {
      env: { GITHUB_TOKEN: fixture.forge.appToken, GITHUB_API_URL: fixture.forge.apiUrl },
    });
    await runDoctor({ repo: REPO, json: true }, deps);
    const report = JSON.parse(deps.captured.out.join('\n')) as DoctorReport;
    expect(report.findings.find((finding) => finding.id === 'token')?.level).toBe('warn');
  });

  it('warns where a writer may not read admin settings, and --strict turns that into exit 1', async () => {
    const fixture = await startCliForge();
    await arrangeHealthy(fixture);

    const plain = await doctorJson(fixture, 'writer');
    expect(plain.code).toBe(0);
    expect(plain.level('secret')).toMatchObject({ level: 'warn' });
    expect(plain.level('secret')?.summary).toContain('(403)');
    expect(plain.level('actions-permissions')?.level).toBe('warn');
    expect(plain.level('protection')).toMatchObject({ level: 'warn' });
    expect(plain.level('protection')?.summary).toContain(
      'is unknown: GitHub shows those settings to admins only.',
    );
    expect(plain.level('reviews')).toMatchObject({ level: 'warn' });
    expect(plain.level('token')?.level).toBe('ok');

    expect((await doctorJson(fixture, 'writer', true)).code).toBe(1);
  });

  it('fails on missing labels and warns on drifted ones, pointing at labels sync', async () => {
    const fixture = await startCliForge();
    await arrangeHealthy(fixture);
    await asOwner(fixture).rest.issues.updateLabel({
      ...repo,
      name: 'state:plan',
      color: '000000',
    });

    const drifted = await doctorJson(fixture);
    expect(drifted.level('labels')).toMatchObject({
      level: 'warn',
      fix: 'Run: pnpm factory labels sync',
    });

    const bare = await startCliForge();
    const missing = await doctorJson(bare);
    expect(missing.level('labels')?.level).toBe('fail');
    expect(missing.level('labels')?.summary).toContain('state:queued');
  });

  it('judges branch protection against requiredChecks: absent, too little, not up to date, and a check the line never sends', async () => {
    const unprotected = await startCliForge();
    expect((await doctorJson(unprotected)).level('protection')?.level).toBe('warn');

    const tooLittle = await startCliForge();
    await arrangeHealthy(tooLittle, []);
    expect((await doctorJson(tooLittle)).level('protection')).toMatchObject({
      level: 'warn',
      summary: 'main is protected but does not require "factory/ci".',
    });

    const behind = await startCliForge();
    await arrangeHealthy(behind, ['factory/ci'], false);
    expect((await doctorJson(behind)).level('protection')).toMatchObject({
      level: 'warn',
      summary:
        'main requires "factory/ci" but not that branches be up to date: a change could land on a main it was not tested with.',
    });

    const foreign = await startCliForge();
    await arrangeHealthy(foreign, ['factory/ci', 'build']);
    const result = await doctorJson(foreign);
    expect(result.code).toBe(1);
    expect(result.level('protection')?.summary).toContain(
      'requires "build", which the line never reports',
    );
  });

  it('judges the review rules against the one approval the line gives, from the identity that pushes', async () => {
    const judged = async (reviews: Parameters<typeof arrangeHealthy>[3]) => {
      const fixture = await startCliForge();
      await arrangeHealthy(fixture, ['factory/ci'], true, reviews);
      return doctorJson(fixture);
    };

    expect((await judged({ required_approving_review_count: 1 })).level('reviews')).toEqual({
      id: 'reviews',
      level: 'ok',
      summary: "main requires one approving review; the line's code review gives it.",
    });
    const stale = await judged({ required_approving_review_count: 1, dismiss_stale_reviews: true });
    expect(stale.level('reviews')).toMatchObject({ level: 'warn' });
    expect(stale.level('reviews')?.summary).toContain("GitHub dismisses the line's approval");
    expect(stale.code).toBe(0);
    const noneButDismissing = await judged({
      required_approving_review_count: 0,
      dismiss_stale_reviews: true,
    });
    expect(noneButDismissing.level('reviews')).toMatchObject({ level: 'warn' });
    const two = await judged({ required_approving_review_count: 2 });
    expect(two.level('reviews')?.summary).toBe(
      'main requires 2 approving reviews and the line gives one: each PR parks merge-refused until people add the rest.',
    );
    const owners = await judged({
      required_approving_review_count: 1,
      require_code_owner_reviews: true,
    });
    expect(owners.level('reviews')?.summary).toBe(
      "main requires a review from code owners, which the line's approval is not: each PR that changes a file CODEOWNERS assigns to someone parks merge-refused until they approve it.",
    );
    const lastPushAlone = await judged({
      required_approving_review_count: 1,
      require_last_push_approval: true,
    });
    expect(lastPushAlone.level('reviews')).toMatchObject({ level: 'fail' });
    // Every problem is named, and one GitHub would refuse every merge for fails the whole.
    const lastPush = await judged({
      required_approving_review_count: 2,
      require_last_push_approval: true,
    });
    expect(lastPush.level('reviews')).toMatchObject({ level: 'fail' });
    expect(lastPush.level('reviews')?.summary).toContain('the most recent push approved');
    expect(lastPush.level('reviews')?.summary).toContain('requires 2 approving reviews');
    expect(lastPush.code).toBe(1);
  });

  it('fails when the configuration names another default branch than GitHub’s', async () => {
    const fixture = await startCliForge();
    await arrangeHealthy(fixture);
    await fixture.forge.commit('octo-owner', {
      branch: 'main',
      files: { 'factory.config.yaml': 'defaultBranch: trunk\n' },
    });

    const { code, level } = await doctorJson(fixture);

    expect(code).toBe(1);
    expect(level('default-branch')).toMatchObject({ level: 'fail' });
    expect(level('default-branch')?.summary).toContain('names trunk');
    expect(level('default-branch')?.fix).toContain('`defaultBranch: main`');
  });

  it('reports a broken config file as a failure naming the key', async () => {
    const fixture = await startCliForge();
    await fixture.forge.commit('octo-owner', {
      branch: 'main',
      files: { 'factory.config.yaml': 'maxInFlight: 0\n' },
    });

    const { code, report } = await doctorJson(fixture);

    expect(code).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ id: 'config', level: 'fail' });
    expect(report.findings[0]?.summary).toContain('maxInFlight');
  });

  it('refuses clearly without a token or a repository', async () => {
    const fixture = await startCliForge();
    const noToken = fixture.deps('writer', { env: {} });
    expect(await runDoctor({ repo: REPO }, noToken)).toBe(1);
    expect(noToken.captured.err).toEqual([
      'error: No GitHub token: set GH_TOKEN or GITHUB_TOKEN (for example `export GH_TOKEN=$(gh auth token)`).',
    ]);

    const noRepo = fixture.deps('writer', { cwd: '/' });
    expect(await runDoctor({}, noRepo)).toBe(1);
    expect(noRepo.captured.err[0]).toContain('No repository: pass --repo owner/name');

    const unknown = fixture.deps();
    expect(await runDoctor({ repo: 'octo-owner/elsewhere' }, unknown)).toBe(1);
    expect(unknown.captured.err[0]).toBe(
      'error: Repository octo-owner/elsewhere not found, or the token cannot see it.',
    );
  });
});

describe('localUsesOf', () => {
  it('finds reusable workflows and local actions, quoted or commented, once each', () => {
    const text = [
      'jobs:',
      '  review:',
      '    uses: ./.github/workflows/agent-stage.yml',
      '  gate:',
      '    steps:',
      "      - uses: './.github/actions/stage/' # the entry point",
      '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
      '      - uses: ./.github/actions/stage',
    ].join('\n');
    expect(localUsesOf(text)).toEqual([
      '.github/workflows/agent-stage.yml',
      '.github/actions/stage',
    ]);
  });
});

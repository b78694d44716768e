/**
 * A twin forge arranged the way the line leaves a PR mid-flight, for tests of the stages that write
 * through real git: a small seed (no whole repository), a spec PR queued by a person and moved to a
 * stage by the factory, its status comment with the queued spec, and a workbench that clones from
 * the forge with the job token in a header, as the entry points wire it.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { clone, tokenAuthHeader, type Git } from '../../src/adapters/git/index.ts';
import {
  createGitHub,
  createOctokit,
  type FactoryOctokit,
} from '../../src/adapters/github/index.ts';
import { defaultConfig, type FactoryConfig } from '../../src/core/config.ts';
import type { GitHubPort } from '../../src/core/ports.ts';
import { STATUS_MARKER } from '../../src/core/notes.ts';
import { parseLedger, renderStatus, EMPTY_LEDGER, type Ledger } from '../../src/core/status.ts';
import { labelOf, STATE_LABELS, WORKING_STATES, type State } from '../../src/core/states.ts';
import type { TokenScopes } from '../../src/twin/contract.ts';
import { createForge, isWrite, type Forge } from '../../src/twin/forge/index.ts';
import type { Workbench } from '../../src/stages/workbench.ts';
import { FACTORY_LOGIN, JOB_SCOPES, stageWorkflowFiles } from './stage-seed.ts';

export { FACTORY_LOGIN, JOB_SCOPES };

/** Ten numbered lines: room for changes near each other that still rebase cleanly. */
export const WORDS_TS =
  Array.from({ length: 10 }, (_, i) => `export const w${String(i + 1)} = ${String(i + 1)};`).join(
    '\n',
  ) + '\n';

export const SEED_FILES: Readonly<Record<string, string>> = {
  'README.md': '# Widgets\n',
  'src/words.ts': WORDS_TS,
  'factory.config.yaml': '',
  ...stageWorkflowFiles([...WORKING_STATES, 'scheduler']),
};

export const SPEC_TEXT = [
  '# Word count',
  '',
  '## Goal',
  '',
  'Count words.',
  '',
  '## Acceptance criteria',
  '',
  '- [ ] `count("a b")` returns `2`',
  '',
].join('\n');

export interface OnLine {
  readonly pr: number;
  readonly headSha: string;
  readonly headRef: string;
  readonly specPath: string;
}

export interface OpenOnLineInput {
  readonly slug: string;
  /** The stage the factory has moved the PR to. */
  readonly stage: State;
  /** Files the branch carries besides the spec (`null` deletes one). */
  readonly files?: Readonly<Record<string, string | null>>;
  /** The ledger before this stage; the queued spec is added unless `spec: false`. */
  readonly ledger?: Ledger;
  readonly spec?: boolean;
}

export interface LineForge {
  readonly forge: Forge;
  /** The port as a stage job builds it: the default job token, `github-actions[bot]`. */
  readonly github: GitHubPort;
  /** The same identity as a plain client, for arranging what earlier stages wrote. */
  readonly bot: FactoryOctokit;
  readonly workbench: Workbench;
  readonly config: FactoryConfig;
  readonly repo: { readonly owner: string; readonly repo: string };
  /** Opens a spec PR as `writer`, moved to `stage` by the factory, with its status comment. */
  openOnLine(input: OpenOnLineInput): Promise<OnLine>;
  /** The factory moves the PR to `state` (one label write). */
  move(pr: number, state: State): Promise<void>;
  /** The SHA a branch has on the forge now. */
  branchSha(branch: string): Promise<string | undefined>;
  /** Pushes that reached the forge over git (receive-pack POSTs), since the forge started. */
  pushes(): number;
  /** Merges the forge served (successful or refused). */
  mergeCalls(): number;
  /**
   * Workflow dispatches so far: the stage's workflow file name and its inputs, less the random id
   * each dispatch names its run with.
   */
  dispatches(): { stage: string; inputs: Record<string, string> }[];
  labelsOf(pr: number): Promise<string[]>;
  /**
   * Comments other than the status comment, oldest first, each write name of a re-run note left
   * out (it is random per write; `tests/stages/carry-out.test.ts` covers it).
   */
  notesOf(pr: number): Promise<string[]>;
  ledgerOf(pr: number): Promise<Ledger>;
  statusBodyOf(pr: number): Promise<string | undefined>;
  /** Rewrites the status comment as an earlier stage would have left it. */
  writeLedger(pr: number, state: State, ledger: Ledger): Promise<void>;
  /** A fresh clone at `ref` for arranging a change the way an agent job would make it. */
  checkout(ref: string): Promise<Git>;
  /** The CI status and an APPROVE review the earlier stages left on `sha`. */
  greenAndApproved(pr: number, sha: string): Promise<void>;
  /** The port and workbench of a job whose token has only `scopes`. */
  jobWith(scopes: TokenScopes): { github: GitHubPort; workbench: Workbench };
  /** Every write request the forge served (anything but GET or a fetch), as `METHOD route`. */
  writeRequests(): string[];
  /**
   * The owner adds a ruleset with one push rule on `branch`: `required_signatures` (the line's
   * commits are never signed), `non_fast_forward` or `update`.
   */
  addPushRule(
    branch: string,
    type: 'required_signatures' | 'non_fast_forward' | 'update',
  ): Promise<void>;
}

const scratchDirs: string[] = [];
const perTest: Forge[] = [];
const perFile: Forge[] = [];
afterEach(async () => {
  await Promise.all(perTest.splice(0).map((forge) => forge.close()));
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
afterAll(async () => {
  await Promise.all(perFile.splice(0).map((forge) => forge.close()));
});

/** A temp directory removed after the test. */
export async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stage-test-'));
  scratchDirs.push(dir);
  return dir;
}

/** Writes files into a work tree; `null` deletes one. */
export async function writeFiles(
  dir: string,
  files: Readonly<Record<string, string | null>>,
): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    if (content === null) {
      await rm(target);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Git's blob id of a text: what the contents API reports as the file's `sha`. */
export function blobShaOf(text: string): string {
  const bytes = Buffer.from(text);
  return createHash('sha1')
    .update(`blob ${String(bytes.length)}\0`)
    .update(bytes)
    .digest('hex');
}

export interface LineForgeOptions {
  readonly config?: FactoryConfig;
  /**
   * `test` (default): closed after each test. `file`: shared by a file's tests, closed after
   * them; for tests that never move main, each on its own PR (a forge and a PR cost seconds).
   */
  readonly lifetime?: 'test' | 'file';
  /** The job token's scopes (default `JOB_SCOPES`). */
  readonly scopes?: TokenScopes;
}

export async function startLineForge(options: LineForgeOptions = {}): Promise<LineForge> {
  const forge = await createForge({ seed: { files: SEED_FILES }, labels: STATE_LABELS });
  (options.lifetime === 'file' ? perFile : perTest).push(forge);
  const repo = { owner: forge.repository.owner, repo: forge.repository.name };
  const { token } = forge.issueJobToken(options.scopes ?? JOB_SCOPES);
  const client = (t: string) =>
    createOctokit({
      token: t,
      baseUrl: forge.apiUrl,
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
      retry: { msPerSecond: 2, spaceWrites: false },
    });
  const bot = client(forge.issueJobToken(JOB_SCOPES).token);
  const config = options.config ?? defaultConfig();
  const portOf = (jobToken: string) =>
    createGitHub({
      octokit: client(jobToken),
      repository: { owner: repo.owner, name: repo.repo, defaultBranch: 'main' },
      factoryLogins: [FACTORY_LOGIN],
    });
  const github = portOf(token);
  const cloneAt = async (ref: string, authToken: string) =>
    clone({
      url: forge.gitUrl,
      dir: join(await scratch(), 'repo'),
      ref,
      authHeader: tokenAuthHeader(authToken),
    });
  const workbench: Workbench = { checkoutHead: (pr) => cloneAt(pr.headSha, token) };
  const comments = async (pr: number) =>
    (await bot.rest.issues.listComments({ ...repo, issue_number: pr, per_page: 100 })).data;
  const statusOf = async (pr: number) =>
    (await comments(pr)).find((c) => c.body?.startsWith(STATUS_MARKER) === true);
  const statusBodyOf = async (pr: number) => (await statusOf(pr))?.body;
  const move = async (pr: number, state: State) => {
    await bot.rest.issues.setLabels({ ...repo, issue_number: pr, labels: [labelOf(state)] });
  };

  return {
    forge,
    github,
    bot,
    workbench,
    config,
    repo,
    move,
    async addPushRule(branch, type) {
      await client(forge.as('octo-owner')).rest.repos.createRepoRuleset({
        ...repo,
        name: `${type} on ${branch}`,
        enforcement: 'active',
        conditions: { ref_name: { include: [`refs/heads/${branch}`], exclude: [] } },
        rules: [{ type }],
      });
    },
    async openOnLine(input) {
      const specPath = `specs/0001-${input.slug}.md`;
      const headRef = `spec/${input.slug}`;
      // Labelled by the factory only: a person's queued label costs a request per PR, and
      // without one every factory move counts as an attempt from the start, just the same.
      const pr = await forge.openPullRequest('writer', {
        branch: headRef,
        files: { [specPath]: SPEC_TEXT, ...input.files },
        title: `Spec ${input.slug}`,
      });
      await move(pr, input.stage);
      const headSha = (await forge.readRefs()).get(`refs/heads/${headRef}`) ?? '';
      const ledger: Ledger = {
        ...(input.ledger ?? EMPTY_LEDGER),
        ...(input.spec === false
          ? {}
          : { spec: { path: specPath, blobSha: blobShaOf(SPEC_TEXT) } }),
      };
      await bot.rest.issues.createComment({
        ...repo,
        issue_number: pr,
        body: renderStatus(input.stage, ledger),
      });
      return { pr, headSha, headRef, specPath };
    },
    async branchSha(branch) {
      return (await forge.readRefs()).get(`refs/heads/${branch}`);
    },
    pushes: () =>
      forge.requestLog
        .entries()
        .filter((entry) => entry.route === 'git receive-pack' && entry.method === 'POST').length,
    mergeCalls: () =>
      forge.requestLog.countsByRoute()['PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge'] ?? 0,
    dispatches: () =>
      forge.events
        .filter((event) => event.name === 'workflow_dispatch')
        .map((event) => {
          const payload = event.payload as { workflow: string; inputs?: Record<string, string> };
          const inputs = Object.entries(payload.inputs ?? {}).filter(([n]) => n !== 'dispatch_id');
          return {
            stage: payload.workflow.replace(/^\.github\/workflows\/|\.yml$/g, ''),
            inputs: Object.fromEntries(inputs),
          };
        }),
    async labelsOf(pr) {
      const { data } = await bot.rest.issues.listLabelsOnIssue({ ...repo, issue_number: pr });
      return data.map((label) => label.name);
    },
    async notesOf(pr) {
      return (await comments(pr))
        .map((c) =>
          (c.body ?? '').replace(/^(<!-- factory:rerun .*?) write=[0-9a-f]+ -->/, '$1 -->'),
        )
        .filter((body) => !body.startsWith(STATUS_MARKER));
    },
    ledgerOf: async (pr) => parseLedger(await statusBodyOf(pr)),
    statusBodyOf,
    async writeLedger(pr, state, ledger) {
      const existing = await statusOf(pr);
      if (existing === undefined) throw new Error(`PR #${String(pr)} has no status comment`);
      await bot.rest.issues.updateComment({
        ...repo,
        comment_id: existing.id,
        body: renderStatus(state, ledger),
      });
    },
    checkout: (ref) => cloneAt(ref, forge.as('writer')),
    async greenAndApproved(pr, sha) {
      await bot.rest.repos.createCommitStatus({
        ...repo,
        sha,
        state: 'success',
        context: 'factory/ci',
        description: 'CI passed on this exact commit',
      });
      await bot.rest.pulls.createReview({
        ...repo,
        pull_number: pr,
        commit_id: sha,
        event: 'APPROVE',
        body: 'Code review: APPROVE',
      });
    },
    jobWith(scopes) {
      const jobToken = forge.issueJobToken(scopes).token;
      return {
        github: portOf(jobToken),
        workbench: { checkoutHead: (pr) => cloneAt(pr.headSha, jobToken) },
      };
    },
    writeRequests: () =>
      forge.requestLog
        .entries()
        .filter(isWrite)
        .map((entry) => `${entry.method} ${entry.route}`),
  };
}

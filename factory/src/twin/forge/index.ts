/**
 * The twin forge: GitHub's REST API, git smart HTTP and webhook-shaped events on loopback, over a
 * real bare repository. It implements the runner's side of the seam (`RunnerHost`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeEvent, RunnerHost, TokenGrant, WorkflowRunRecord } from '../contract.ts';
import { createAuth, DEFAULT_USERS, type AppSpec, type UserSpec } from './auth.ts';
import { formatTime, isPull, type ForgeContext, type Route } from './context.ts';
import { emitSchedule } from './emit.ts';
import { createEventBus } from './events.ts';
import { createFaults, type Faults } from './faults.ts';
import {
  callApi,
  gitAuthHeader,
  pushFiles,
  type PushFilesInput,
  type PushResult,
} from './persona.ts';
import { openForkPull, pushToForkPull, type ForkPullInput } from './open-pull.ts';
import { actorId } from './render/base.ts';
import { openRepository } from './repository.ts';
import { createRequestLog, type RequestLog } from './request-log.ts';
import { buildRoutes } from './routes/index.ts';
import { createRepoSettings } from './routes/repo-settings.ts';
import { dismissStaleApprovals } from './stale-approvals.ts';
import { createLabelRecord } from './routes/labels.ts';
import { createBareRepository, DEFAULT_BRANCH, type Seed } from './seed.ts';
import { commitAs } from './direct-commit.ts';
import { createForgeServer, createLock } from './server.ts';
import { createStore } from './store.ts';

export type { AppSpec, UserSpec } from './auth.ts';
export type { FaultKind, FaultRule, Faults } from './faults.ts';
export type { ForkPullInput } from './open-pull.ts';
export type { PushFilesInput, PushResult } from './persona.ts';
export { isWrite } from './request-log.ts';
export type { RequestLog, RequestLogEntry } from './request-log.ts';
export type { Seed } from './seed.ts';
export { gitAuthHeader };

export interface ForgeOptions {
  readonly seed: Seed;
  /** Repository owner (default `octo-owner`, who is also the admin user). */
  readonly owner?: string;
  /** Repository name (default `software-factory`). */
  readonly name?: string;
  /** People and their permission (default: `octo-owner` admin, `writer` write, `reader` read). */
  readonly users?: readonly UserSpec[];
  /** An optional GitHub App installation (`<slug>[bot]`) with its scopes. */
  readonly app?: AppSpec;
  /** "Allow GitHub Actions to create and approve pull requests" (default true). */
  readonly actionsMayCreateAndApprove?: boolean;
  /** "Allow squash merging" (default true; merge commits and rebase merging are never allowed). */
  readonly allowSquashMerge?: boolean;
  /** Seed of the fault generator, so a chaos run replays (default 1). */
  readonly faultSeed?: number;
  readonly now?: () => Date;
  /** Labels the repository starts with, e.g. the state labels `factory labels sync` creates. */
  readonly labels?: readonly SeedLabel[];
}

export interface SeedLabel {
  readonly name: string;
  readonly color: string;
  readonly description?: string;
}

export interface OpenPullInput extends Omit<PushFilesInput, 'force'> {
  readonly title: string;
  readonly body?: string;
  readonly base?: string;
  readonly labels?: readonly string[];
}

export interface Forge extends RunnerHost {
  readonly gitDir: string;
  readonly requestLog: RequestLog;
  readonly faults: Faults;
  /** Every event emitted so far, oldest first. */
  readonly events: readonly ForgeEvent[];
  /** Forge bugs (never refusals) hit while serving; should stay empty. */
  readonly internalErrors: readonly unknown[];
  /** Every branch, tag and pull ref of the bare repository with its SHA. */
  readRefs(): Promise<Map<string, string>>;
  /** A person's token. */
  as(login: string): string;
  /** The App installation's token, when the forge has an App. */
  readonly appToken: string | undefined;
  /** Raises a `schedule` event on the default branch's tip. */
  emitSchedule(cron: string): Promise<void>;
  /** Commits files to a branch and pushes them over smart HTTP as `login` (or with a token). */
  push(who: string | TokenGrant, input: PushFilesInput): Promise<PushResult>;
  /**
   * Commits files to a branch on the server (like GitHub's web editor): same rules and events as
   * a push, a fraction of the cost. Use `push` when the git transport itself is under test.
   */
  commit(who: string | TokenGrant, input: PushFilesInput): Promise<PushResult>;
  /** Commits a branch and opens a pull request from it as `login`; returns its number. */
  openPullRequest(login: string, input: OpenPullInput): Promise<number>;
  /**
   * `login` (anyone, no permission needed) opens a pull request from a branch of their fork;
   * returns its number. Its head is reachable here only through `refs/pull/N/head`.
   */
  openForkPullRequest(login: string, input: ForkPullInput): Promise<number>;
  /** The fork's owner pushes `files` onto the head of fork PR `number`; returns the new head. */
  pushToForkPullRequest(number: number, files: Readonly<Record<string, string>>): Promise<string>;
  close(): Promise<void>;
}

/** Starts a forge on 127.0.0.1 (random port) over a fresh bare repository seeded from `seed`. */
export async function createForge(options: ForgeOptions): Promise<Forge> {
  const owner = options.owner ?? 'octo-owner';
  const name = options.name ?? 'software-factory';
  const users = options.users ?? DEFAULT_USERS;
  const root = await mkdtemp(join(tmpdir(), 'twin-forge-'));
  try {
    const gitDir = await createBareRepository(root, owner, name, options.seed);
    return await startForge(options, { owner, name, users, root, gitDir });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

interface Layout {
  readonly owner: string;
  readonly name: string;
  readonly users: readonly UserSpec[];
  readonly root: string;
  readonly gitDir: string;
}

async function startForge(options: ForgeOptions, layout: Layout): Promise<Forge> {
  const clock = options.now ?? (() => new Date());
  const auth = createAuth(layout.users, options.app);
  const store = createStore();
  const events = createEventBus();
  const repo = openRepository(layout.gitDir);
  const render = {
    apiUrl: '',
    owner: { login: layout.owner, type: 'User' as const },
    name: layout.name,
    repoId: actorId(`${layout.owner}/${layout.name}`),
    defaultBranch: DEFAULT_BRANCH,
    createdAt: formatTime(clock()),
    associationOf: (login: string) =>
      login === layout.owner
        ? 'OWNER'
        : auth.permissionOf(login) === undefined
          ? 'NONE'
          : 'COLLABORATOR',
    isPull: (number: number) => store.issues.get(number)?.pull !== undefined,
  };
  const ctx: ForgeContext = { render, store, repo, auth, events, now: () => formatTime(clock()) };
  for (const label of options.labels ?? [])
    createLabelRecord(ctx, label.name, label.color, label.description);
  const settings = createRepoSettings({
    actionsMayCreateAndApprove: options.actionsMayCreateAndApprove ?? true,
    allowSquashMerge: options.allowSquashMerge ?? true,
  });
  // A branch rule acts as pushes happen too: it dismisses approvals a head move made stale.
  dismissStaleApprovals(ctx, settings);
  const routes: Route[] = buildRoutes(ctx, settings);
  const faults = createFaults(options.faultSeed ?? 1);
  const requestLog = createRequestLog();
  const internalErrors: unknown[] = [];
  const lock = createLock();
  const server = createForgeServer({
    ctx,
    routes,
    faults,
    log: requestLog,
    projectRoot: layout.root,
    internalErrors,
    lock,
  });
  const grantOf = (who: string | TokenGrant): TokenGrant => {
    if (typeof who !== 'string') return who;
    const grant = auth.grantFor(auth.userToken(who));
    if (grant === undefined) throw new Error(`the forge has no user called ${who}`);
    return grant;
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  render.apiUrl = apiUrl;
  const gitUrl = `${apiUrl}/${layout.owner}/${layout.name}.git`;
  const forge: Forge = {
    apiUrl,
    gitUrl,
    gitDir: layout.gitDir,
    repository: { owner: layout.owner, name: layout.name },
    requestLog,
    faults,
    events: events.history,
    internalErrors,
    appToken: auth.appGrant?.token,
    as: (login) => auth.userToken(login),
    readRefs: () => repo.listRefs(),
    issueJobToken: (scopes) => auth.issueJobToken(scopes),
    onEvent: (listener) => events.on(listener),
    createRun: (run) => createRun(ctx, run),
    updateRun: (id, patch) => updateRun(ctx, id, patch),
    async emitSchedule(cron) {
      const sha = await repo.resolve(`refs/heads/${DEFAULT_BRANCH}`);
      if (sha !== undefined) emitSchedule(ctx, cron, sha);
    },
    push(who, input) {
      const grant = grantOf(who);
      return pushFiles(gitUrl, grant.token, grant.actor.login, input);
    },
    commit: (who, input) => lock(() => commitAs(ctx, grantOf(who), input)),
    async openPullRequest(login, input) {
      const pushed = await lock(() => commitAs(ctx, grantOf(login), input));
      if (!pushed.ok) throw new Error(`push of ${input.branch} was refused:\n${pushed.output}`);
      const path = `/repos/${layout.owner}/${layout.name}`;
      const token = auth.userToken(login);
      const body = {
        title: input.title,
        head: input.branch,
        base: input.base ?? DEFAULT_BRANCH,
        body: input.body ?? null,
      };
      const pull = (await callApi(apiUrl, token, 'POST', `${path}/pulls`, body)) as {
        number: number;
      };
      if (input.labels !== undefined && input.labels.length > 0) {
        await callApi(apiUrl, token, 'POST', `${path}/issues/${String(pull.number)}/labels`, {
          labels: input.labels,
        });
      }
      return pull.number;
    },
    async openForkPullRequest(login, input) {
      return (await lock(() => openForkPull(ctx, login, input))).number;
    },
    async pushToForkPullRequest(number, files) {
      const issue = ctx.store.issues.get(number);
      if (issue === undefined || !isPull(issue))
        throw new Error(`no pull request ${String(number)}`);
      return lock(() => pushToForkPull(ctx, issue, files));
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await rm(layout.root, { recursive: true, force: true });
    },
  };
  return forge;
}

function createRun(
  ctx: ForgeContext,
  run: Omit<WorkflowRunRecord, 'id' | 'createdAt' | 'updatedAt'>,
): WorkflowRunRecord {
  const now = ctx.now();
  const record: WorkflowRunRecord = {
    ...run,
    id: ctx.store.nextId(),
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.runs.push(record);
  return record;
}

function updateRun(
  ctx: ForgeContext,
  id: number,
  patch: Pick<WorkflowRunRecord, 'status' | 'conclusion'>,
): WorkflowRunRecord {
  const index = ctx.store.runs.findIndex((run) => run.id === id);
  const current = ctx.store.runs[index];
  if (current === undefined) throw new Error(`the forge has no workflow run ${String(id)}`);
  const updated: WorkflowRunRecord = { ...current, ...patch, updatedAt: ctx.now() };
  ctx.store.runs[index] = updated;
  return updated;
}

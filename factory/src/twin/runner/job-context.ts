/**
 * The state a job's steps share, and the contexts and environment built from it. The environment is
 * assembled from scratch: nothing of the runner's own process leaks into a step (a minimal PATH and a
 * HOME of the runner's are all that is not GitHub's).
 */
import { dirname } from 'node:path';
import type { ForgeEvent, RunnerHost } from '../contract.ts';
import type { ArtifactStore } from './artifacts.ts';
import type { ExpressionScope } from './expressions.ts';
import type { JobRecord, RunRecord } from './records.ts';
import type { Parsed, WorkflowSpec } from './workflow-model.ts';

export interface RunnerSettings {
  readonly secrets: Readonly<Record<string, string>>;
  readonly vars: Readonly<Record<string, string>>;
  readonly serverUrl: string;
  /** The Node that runs node actions. */
  readonly nodePath: string;
}

/** What every job of one run shares. */
export interface RunContext {
  readonly host: RunnerHost;
  readonly settings: RunnerSettings;
  readonly record: RunRecord;
  readonly workflow: WorkflowSpec;
  readonly event: ForgeEvent;
  readonly inputs: Readonly<Record<string, string | boolean | number>>;
  readonly runDir: string;
  readonly artifacts: ArtifactStore;
  /**
   * A run of a PR event (`pull_request`, a review) for a PR from a fork: GitHub passes it no
   * secrets but `GITHUB_TOKEN`, and that token reads only, whatever `permissions:` asks.
   */
  readonly forkPullRequest: boolean;
  /** Reads another workflow file at the run's commit (for `workflow_call`). */
  readonly readWorkflow: (path: string) => Promise<Parsed<WorkflowSpec>>;
}

export interface NeedResult {
  readonly result: 'success' | 'failure' | 'cancelled' | 'skipped';
  readonly outputs: Readonly<Record<string, string>>;
}

export interface StepContextEntry {
  readonly outputs: Readonly<Record<string, string>>;
  readonly outcome: string;
  readonly conclusion: string;
}

/** One job while it executes. `exportedEnv`, `pathAdditions` and `masks` grow as steps run. */
export interface JobContext {
  readonly run: RunContext;
  readonly key: string;
  readonly record: JobRecord;
  readonly token: string;
  readonly dirs: { readonly workspace: string; readonly temp: string; readonly home: string };
  readonly eventPath: string;
  readonly needs: Readonly<Record<string, NeedResult>>;
  /** Workflow `env:` then job `env:`, evaluated once at job start. */
  readonly definedEnv: Readonly<Record<string, string>>;
  readonly exportedEnv: Record<string, string>;
  readonly pathAdditions: string[];
  readonly masks: Set<string>;
  readonly signal: AbortSignal;
}

/** One list of steps (a job's, or a composite action's) and what its steps produced so far. */
export interface StepScope {
  readonly job: JobContext;
  readonly steps: Record<string, StepContextEntry>;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Env visible at this level, before `$GITHUB_ENV` and the step's own `env:`. */
  readonly env: Readonly<Record<string, string>>;
  /** Set inside a composite action: its directory, and how deep the nesting is. */
  readonly actionPath: string | undefined;
  readonly depth: number;
  failed: boolean;
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** As GitHub shortens it: `main`, `v1.0`, or `5/merge` for a pull request's test merge. */
function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags|pull)\//, '');
}

function pullRequestRef(event: ForgeEvent, side: 'head' | 'base'): string {
  const pull = event.payload.pull_request as Partial<Record<string, { ref?: unknown }>> | undefined;
  const ref = pull?.[side]?.ref;
  return typeof ref === 'string' ? ref : '';
}

/** The `github` context of a job (also the source of the `GITHUB_*` variables). */
export function githubContext(
  run: Pick<RunContext, 'host' | 'event' | 'record' | 'settings'>,
  jobKey: string,
  token: string,
  workspace: string,
  eventPath: string,
): Record<string, unknown> {
  const { host, event, record } = run;
  const repository = `${host.repository.owner}/${host.repository.name}`;
  return {
    event: event.payload,
    event_name: event.name,
    event_path: eventPath,
    sha: event.sha,
    ref: event.ref,
    ref_name: refName(event.ref),
    ref_type: event.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    head_ref: pullRequestRef(event, 'head'),
    base_ref: pullRequestRef(event, 'base'),
    repository,
    repository_owner: host.repository.owner,
    actor: event.actor.login,
    triggering_actor: event.actor.login,
    run_id: String(record.id),
    run_number: String(record.id),
    run_attempt: '1',
    workflow: record.name,
    workflow_ref: `${repository}/${record.path}@${event.ref}`,
    job: jobKey,
    token,
    api_url: host.apiUrl,
    server_url: run.settings.serverUrl,
    graphql_url: `${host.apiUrl.replace(/\/$/, '')}/graphql`,
    workspace,
    retention_days: '90',
  };
}

/** The variables Actions sets for every step; `GITHUB_TOKEN` is not one of them (only `env:` passes it). */
export function baseEnvironment(job: JobContext): Record<string, string> {
  const github = githubContext(job.run, job.key, job.token, job.dirs.workspace, job.eventPath);
  const text = (key: string): string => {
    const value = github[key];
    return typeof value === 'string' ? value : '';
  };
  return {
    // `run:` scripts find the twin's own Node, as on a runner image; node actions may run on another.
    PATH: `${dirname(process.execPath)}:${SYSTEM_PATH}`,
    HOME: job.dirs.home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: text('event_name'),
    GITHUB_EVENT_PATH: job.eventPath,
    GITHUB_API_URL: text('api_url'),
    GITHUB_SERVER_URL: text('server_url'),
    GITHUB_GRAPHQL_URL: text('graphql_url'),
    GITHUB_REPOSITORY: text('repository'),
    GITHUB_REPOSITORY_OWNER: text('repository_owner'),
    GITHUB_SHA: text('sha'),
    GITHUB_REF: text('ref'),
    GITHUB_REF_NAME: text('ref_name'),
    GITHUB_REF_TYPE: text('ref_type'),
    GITHUB_HEAD_REF: text('head_ref'),
    GITHUB_BASE_REF: text('base_ref'),
    GITHUB_RUN_ID: text('run_id'),
    GITHUB_RUN_NUMBER: text('run_number'),
    GITHUB_RUN_ATTEMPT: text('run_attempt'),
    GITHUB_WORKFLOW: text('workflow'),
    GITHUB_WORKFLOW_REF: text('workflow_ref'),
    GITHUB_JOB: job.key,
    GITHUB_ACTOR: text('actor'),
    GITHUB_TRIGGERING_ACTOR: text('triggering_actor'),
    GITHUB_WORKSPACE: job.dirs.workspace,
    GITHUB_RETENTION_DAYS: '90',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'twin-runner',
    RUNNER_ENVIRONMENT: 'self-hosted',
    RUNNER_TEMP: job.dirs.temp,
    RUNNER_TOOL_CACHE: `${job.dirs.temp}/tool-cache`,
  };
}

/** The expression scope of a step at this level (its own `env:` not yet included). */
export function stepExpressionScope(
  scope: StepScope,
  extraEnv: Readonly<Record<string, string>> = {},
): ExpressionScope {
  const { job } = scope;
  const { run } = job;
  return {
    contexts: {
      github: githubContext(run, job.key, job.token, job.dirs.workspace, job.eventPath),
      inputs: scope.inputs,
      needs: job.needs,
      env: { ...scope.env, ...job.exportedEnv, ...extraEnv },
      steps: scope.steps,
      secrets: { ...run.settings.secrets, GITHUB_TOKEN: job.token },
      vars: run.settings.vars,
      runner: {
        os: 'Linux',
        arch: 'X64',
        name: 'twin-runner',
        temp: job.dirs.temp,
        environment: 'self-hosted',
      },
      job: { status: scope.failed ? 'failure' : job.signal.aborted ? 'cancelled' : 'success' },
    },
    status: {
      success: () => !scope.failed && !job.signal.aborted,
      failure: () => scope.failed,
      cancelled: () => job.signal.aborted,
    },
  };
}

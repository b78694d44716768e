/**
 * Executes one job of steps: mints its token from `permissions:`, prepares its directories and
 * event file, enforces `timeout-minutes` by killing the step's process tree, and computes its outputs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenScopes } from '../contract.ts';
import { evaluateStringMap, evaluateToken } from './expressions.ts';
import type { ExpressionScope } from './expressions.ts';
import { githubContext, stepExpressionScope } from './job-context.ts';
import type { JobContext, NeedResult, RunContext, StepScope } from './job-context.ts';
import type { JobConclusion, JobRecord } from './records.ts';
import { checkUses, runSteps } from './steps.ts';
import type { StepsJobSpec } from './workflow-model.ts';

/** GitHub's default job timeout. */
const DEFAULT_TIMEOUT_MINUTES = 360;

export interface JobRequest {
  readonly run: RunContext;
  readonly spec: StepsJobSpec;
  readonly record: JobRecord;
  readonly needs: Readonly<Record<string, NeedResult>>;
  readonly scopes: TokenScopes;
  /** Aborted when the job is cancelled (run cancelled, concurrency group). */
  readonly cancel: AbortSignal;
}

export interface JobOutcome {
  readonly conclusion: JobConclusion;
  readonly outputs: Readonly<Record<string, string>>;
}

function preJobScope(
  run: RunContext,
  key: string,
  token: string,
  dirs: JobContext['dirs'],
  eventPath: string,
  needs: JobRequest['needs'],
  env: Record<string, string>,
): ExpressionScope {
  return {
    contexts: {
      github: githubContext(run, key, token, dirs.workspace, eventPath),
      inputs: run.inputs,
      needs,
      vars: run.settings.vars,
      secrets: { ...run.settings.secrets, GITHUB_TOKEN: token },
      env,
      runner: { os: 'Linux', arch: 'X64', name: 'twin-runner', temp: dirs.temp },
    },
    status: { success: () => true, failure: () => false, cancelled: () => false },
  };
}

function prepareJob(request: JobRequest, signal: AbortSignal): JobContext {
  const { run, spec, record } = request;
  const grant = run.host.issueJobToken(request.scopes);
  record.token = {
    kind: grant.kind,
    actor: grant.actor,
    scopes: grant.scopes ?? request.scopes,
    ...(grant.jobTokenId === undefined ? {} : { jobTokenId: grant.jobTokenId }),
  };
  const root = join(run.runDir, `job-${record.key.replace(/[^A-Za-z0-9_-]/g, '_')}`);
  const dirs = {
    workspace: join(root, 'workspace'),
    temp: join(root, 'temp'),
    home: join(root, 'home'),
  };
  Object.values(dirs).forEach((dir) => mkdirSync(dir, { recursive: true }));
  const eventPath = join(dirs.temp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(run.event.payload, null, 2));
  const workflowEnv = evaluateStringMap(
    run.workflow.env,
    preJobScope(run, spec.id, grant.token, dirs, eventPath, request.needs, {}),
  );
  const jobEnv = evaluateStringMap(
    spec.env,
    preJobScope(run, spec.id, grant.token, dirs, eventPath, request.needs, workflowEnv),
  );
  return {
    run,
    key: spec.id,
    record,
    token: grant.token,
    dirs,
    eventPath,
    needs: request.needs,
    definedEnv: { ...workflowEnv, ...jobEnv },
    exportedEnv: {},
    pathAdditions: [],
    masks: new Set(
      [grant.token, ...Object.values(run.settings.secrets)].filter((value) => value !== ''),
    ),
    signal,
  };
}

/** Outputs that would reveal a masked value are dropped, as GitHub drops them. */
function jobOutputs(scope: StepScope, spec: StepsJobSpec): Record<string, string> {
  const outputs = evaluateStringMap(spec.outputs, stepExpressionScope(scope));
  const masks = [...scope.job.masks];
  return Object.fromEntries(
    Object.entries(outputs).filter(([, value]) => !masks.some((mask) => value.includes(mask))),
  );
}

function unsupportedReason(spec: StepsJobSpec): string | undefined {
  if (spec.strategy !== undefined)
    return 'strategy/matrix jobs are not supported by the twin runner';
  for (const step of spec.steps) {
    const reason = step.uses === undefined ? undefined : checkUses(step.uses);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function timeoutMinutes(request: JobRequest, job: JobContext): number {
  if (request.spec.timeoutMinutes === undefined) return DEFAULT_TIMEOUT_MINUTES;
  const scope: StepScope = {
    job,
    steps: {},
    inputs: request.run.inputs,
    env: job.definedEnv,
    actionPath: undefined,
    depth: 0,
    failed: false,
  };
  return Number(evaluateToken(request.spec.timeoutMinutes, stepExpressionScope(scope)));
}

interface Deadline {
  timer: NodeJS.Timeout | undefined;
  timedOut: boolean;
}

function conclude(request: JobRequest, scope: StepScope, deadline: Deadline): JobConclusion {
  if (deadline.timedOut) return 'timed_out';
  if (request.cancel.aborted) return 'cancelled';
  return scope.failed ? 'failure' : 'success';
}

async function runJobSteps(
  request: JobRequest,
  controller: AbortController,
  deadline: Deadline,
): Promise<JobOutcome> {
  const job = prepareJob(request, controller.signal);
  const reason = unsupportedReason(request.spec);
  if (reason !== undefined) throw new Error(reason);
  const minutes = timeoutMinutes(request, job);
  deadline.timer = setTimeout(() => {
    deadline.timedOut = true;
    controller.abort();
  }, minutes * 60_000);
  const scope: StepScope = {
    job,
    steps: {},
    inputs: request.run.inputs,
    env: job.definedEnv,
    actionPath: undefined,
    depth: 0,
    failed: false,
  };
  await runSteps(scope, request.spec.steps);
  const conclusion = conclude(request, scope, deadline);
  if (conclusion === 'timed_out') {
    request.record.error = `The job running on runner twin-runner has exceeded the maximum execution time of ${minutes} minutes.`;
  }
  const finished = conclusion === 'success' || conclusion === 'failure';
  return { conclusion, outputs: finished ? jobOutputs(scope, request.spec) : {} };
}

/** Runs the job to a conclusion; never throws (a job that cannot start is a failed job with a reason). */
export async function executeJob(request: JobRequest): Promise<JobOutcome> {
  const controller = new AbortController();
  const onCancel = (): void => {
    controller.abort();
  };
  request.cancel.addEventListener('abort', onCancel, { once: true });
  const deadline: Deadline = { timer: undefined, timedOut: false };
  try {
    return await runJobSteps(request, controller, deadline);
  } catch (error) {
    request.record.error = (error as Error).message;
    return { conclusion: request.cancel.aborted ? 'cancelled' : 'failure', outputs: {} };
  } finally {
    clearTimeout(deadline.timer);
    request.cancel.removeEventListener('abort', onCancel);
  }
}

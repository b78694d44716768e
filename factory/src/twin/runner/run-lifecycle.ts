/**
 * One run from filing to conclusion: the record filed with the host, workflow-level `concurrency:`,
 * the job scheduler (with reusable-workflow calls), and the status updates the host's runs API shows.
 */
import { join } from 'node:path';
import type { ForgeEvent, RunConclusion, RunnerHost } from '../contract.ts';
import { createArtifactStore } from './artifacts.ts';
import type { ConcurrencyEntry, ConcurrencyGroups } from './concurrency.ts';
import { evaluateString, evaluateToken } from './expressions.ts';
import type { ExpressionScope } from './expressions.ts';
import type { InputValue } from './inputs.ts';
import { githubContext } from './job-context.ts';
import type { RunContext, RunnerSettings } from './job-context.ts';
import { createJobRecords } from './job-records.ts';
import type { DefaultPermissions } from './permissions.ts';
import { isForkPullRequest, nestedString } from './triggers.ts';
import type { JobRecord, RunRecord } from './records.ts';
import { runCalledWorkflow } from './reusable.ts';
import { concurrencyRequest, createRunScheduler } from './run-scheduler.ts';
import type { CallRequest, RunScheduler } from './run-scheduler.ts';
import type { Slots } from './slots.ts';
import type { Parsed, WorkflowSpec } from './workflow-model.ts';

export interface LifecycleDeps {
  readonly host: RunnerHost;
  readonly groups: ConcurrencyGroups;
  readonly slots: Slots;
  readonly defaultPermissions: DefaultPermissions;
  /** Called once the run has its conclusion and the host knows it. */
  readonly onComplete: (context: RunContext) => void;
}

export interface RunSetup {
  readonly host: RunnerHost;
  readonly settings: RunnerSettings;
  readonly workflow: WorkflowSpec;
  readonly event: ForgeEvent;
  readonly inputs: Readonly<Record<string, InputValue>>;
  /** Why the run waits for a person's approval, when it does. */
  readonly approval: string | undefined;
  readonly workDir: string;
  readonly readWorkflow: (path: string) => Promise<Parsed<WorkflowSpec>>;
}

type ScopeSource = Pick<RunContext, 'host' | 'event' | 'record' | 'settings' | 'inputs'>;

/** Expressions evaluated before any job exists (run concurrency, job names) see these contexts. */
function runScope(context: ScopeSource): ExpressionScope {
  return {
    contexts: {
      github: githubContext(context, '', '', '', ''),
      inputs: context.inputs,
      vars: context.settings.vars,
    },
    status: { success: () => true, failure: () => false, cancelled: () => false },
  };
}

/**
 * The commit GitHub files a run (and its checks) under. A `pull_request` run checks out the test
 * merge, but belongs to the PR's head commit; a `pull_request_target` run to the base's tip.
 */
function headShaOf(event: ForgeEvent): string {
  if (event.name === 'pull_request_target') return event.sha;
  return nestedString(event.payload, 'pull_request', 'head', 'sha') ?? event.sha;
}

function headBranch(event: ForgeEvent): string {
  const pull = event.payload.pull_request as { head?: { ref?: unknown } } | undefined;
  const head = pull?.head?.ref;
  return typeof head === 'string' ? head : event.ref.replace(/^refs\/(heads|tags)\//, '');
}

/**
 * The run's title. GitHub evaluates `run-name:` with the `github` and `inputs` contexts as it files
 * the run, so the run's own id is not known yet: `github.run_id` and `run_number` read as empty.
 */
function displayTitleOf(setup: RunSetup, record: RunRecord): string {
  const { workflow } = setup;
  if (workflow.runName === undefined) return workflow.name;
  const scope = runScope({ ...setup, record });
  const github = { ...(scope.contexts.github as Record<string, unknown>) };
  delete github.run_id;
  delete github.run_number;
  return evaluateString(workflow.runName, { ...scope, contexts: { ...scope.contexts, github } });
}

/** Files a run with the host (`queued`, or `action_required` when it needs approval) and records it. */
export function createRunContext(setup: RunSetup): RunContext {
  const { host, workflow, event, inputs, approval } = setup;
  const status = approval === undefined ? 'queued' : 'action_required';
  const record: RunRecord = {
    id: 0,
    name: workflow.name,
    displayTitle: workflow.name,
    path: workflow.path,
    event: event.name,
    action: event.action ?? null,
    headBranch: headBranch(event),
    headSha: headShaOf(event),
    actor: event.actor,
    triggeredBy: event.tokenKind,
    status,
    conclusion: null,
    reason: approval ?? null,
    inputs: { ...inputs },
    createdAt: '',
    startedAt: null,
    completedAt: null,
    jobs: [],
    artifacts: [],
  };
  record.displayTitle = displayTitleOf(setup, record);
  const filed = host.createRun({
    name: workflow.name,
    displayTitle: record.displayTitle,
    path: workflow.path,
    event: event.name,
    headBranch: record.headBranch,
    headSha: record.headSha,
    actor: event.actor,
    status,
    conclusion: null,
  });
  Object.assign(record, { id: filed.id, headBranch: filed.headBranch, createdAt: filed.createdAt });
  const runDir = join(setup.workDir, 'runs', String(record.id));
  const forkPullRequest = isForkPullRequest(event);
  const context: RunContext = {
    host,
    settings: forkPullRequest ? { ...setup.settings, secrets: {} } : setup.settings,
    forkPullRequest,
    record,
    workflow,
    event,
    inputs,
    runDir,
    artifacts: createArtifactStore(join(runDir, 'artifacts')),
    readWorkflow: setup.readWorkflow,
  };
  record.jobs = createJobRecords(workflow, runScope(context));
  return context;
}

/** Patches the run's record and files the same patch with the host. */
export function updateRun(
  context: RunContext,
  patch: Pick<RunRecord, 'status' | 'conclusion'>,
): void {
  Object.assign(context.record, patch);
  context.host.updateRun(context.record.id, patch);
}

type Completion = (conclusion: Exclude<RunConclusion, null>) => void;
type StartScheduler = (
  context: RunContext,
  records: readonly JobRecord[],
  onComplete: Completion,
  call?: CallRequest,
) => RunScheduler;

/** Schedulers for a run and, recursively, for the workflows its jobs call (capped by the caller's scopes). */
function schedulerFor(deps: LifecycleDeps): StartScheduler {
  const start: StartScheduler = (context, records, onComplete, call) =>
    createRunScheduler(context, records, {
      groups: deps.groups,
      slots: deps.slots,
      defaultPermissions: deps.defaultPermissions,
      ...(call === undefined ? {} : { ceiling: call.scopes }),
      runCall: (request) =>
        runCalledWorkflow(request, (child, childRecords, caller, done) =>
          start(child, childRecords, done, caller),
        ),
      onComplete,
    });
  return start;
}

/**
 * Starts a run: it waits in its workflow-level concurrency group if it has one, then its jobs run.
 * Returns how to cancel it (queued or running).
 */
export function startRun(context: RunContext, deps: LifecycleDeps): () => void {
  let leaveGroup = (): void => undefined;
  let started = false;
  const complete = (conclusion: RunRecord['conclusion']): void => {
    leaveGroup();
    Object.assign(context.record, {
      completedAt: new Date().toISOString(),
      artifacts: [...context.artifacts.names()],
    });
    updateRun(context, { status: 'completed', conclusion });
    deps.onComplete(context);
  };
  const scheduler = schedulerFor(deps)(context, context.record.jobs, complete);
  const begin = (): void => {
    started = true;
    context.record.startedAt = new Date().toISOString();
    updateRun(context, { status: 'in_progress', conclusion: null });
    scheduler.start();
  };
  const cancel = (): void => {
    if (started) {
      scheduler.cancel();
      return;
    }
    context.record.jobs.forEach((job) =>
      Object.assign(job, { status: 'completed', conclusion: 'cancelled' }),
    );
    complete('cancelled');
  };
  const request =
    context.workflow.concurrency === undefined
      ? undefined
      : concurrencyRequest(evaluateToken(context.workflow.concurrency, runScope(context)));
  if (request === undefined) {
    begin();
    return cancel;
  }
  const entry: ConcurrencyEntry = { start: begin, cancel };
  leaveGroup = () => {
    deps.groups.leave(request.group, entry);
  };
  deps.groups.enter(request, entry);
  return cancel;
}

/**
 * Jobs that call a reusable workflow (`jobs.<id>.uses: ./.github/workflows/<file>.yml`). The called
 * workflow is read from the same commit, must declare `on.workflow_call`, gets its inputs from
 * `with:` and its secrets from `secrets:` (or all of them with `inherit`), and runs its jobs inside
 * the caller's run under `<caller job> / <called job>`. Its token scopes never exceed the caller's.
 */
import type { RunConclusion } from '../contract.ts';
import { evaluateStringMap, evaluateToken } from './expressions.ts';
import { resolveDispatchInputs } from './inputs.ts';
import type { NeedResult, RunContext } from './job-context.ts';
import { createJobRecords } from './job-records.ts';
import type { JobOutcome } from './job-runner.ts';
import type { JobRecord } from './records.ts';
import type { CallRequest, RunScheduler } from './run-scheduler.ts';
import type { WorkflowSpec } from './workflow-model.ts';

/** Starts the scheduler of a called workflow (passed in, so this module does not import the scheduler). */
export type StartCalled = (
  child: RunContext,
  records: readonly JobRecord[],
  request: CallRequest,
  onComplete: (conclusion: Exclude<RunConclusion, null>) => void,
) => RunScheduler;

/** GitHub allows a caller and up to three levels of called workflows (four in all). */
const MAX_NESTING = 4;

const LOCAL_WORKFLOW = /^\.\/(\.github\/workflows\/[^/]+\.ya?ml)$/;

function callInputs(
  request: CallRequest,
  called: WorkflowSpec,
): Record<string, string | number | boolean> {
  const given =
    request.spec.with === undefined ? {} : evaluateToken(request.spec.with, request.scope);
  const values = given !== null && typeof given === 'object' && !Array.isArray(given) ? given : {};
  const resolved = resolveDispatchInputs(called.events.workflow_call, values);
  if (!resolved.ok) throw new Error(`${request.spec.ref}: ${resolved.reason}`);
  return { ...resolved.inputs };
}

function callSecrets(request: CallRequest): Record<string, string> {
  const { spec, run, scope } = request;
  if (spec.secrets === 'inherit') return { ...run.settings.secrets };
  const withSecrets = { ...scope, contexts: { ...scope.contexts, secrets: run.settings.secrets } };
  return evaluateStringMap(spec.secrets, withSecrets);
}

function callOutputs(
  called: WorkflowSpec,
  child: RunContext,
  results: Readonly<Record<string, NeedResult>>,
): Record<string, string> {
  const outputs: Record<string, string> = {};
  const declared = called.callOutputs;
  if (declared === undefined) return outputs;
  const scope = {
    contexts: { jobs: results, inputs: child.inputs, vars: child.settings.vars },
    status: { success: () => true, failure: () => false, cancelled: () => false },
  };
  const evaluated = evaluateToken(declared, scope);
  if (evaluated === null || typeof evaluated !== 'object' || Array.isArray(evaluated))
    return outputs;
  for (const [name, setting] of Object.entries(evaluated)) {
    const value =
      setting !== null && typeof setting === 'object' && !Array.isArray(setting)
        ? setting.value
        : undefined;
    outputs[name] = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  }
  return outputs;
}

async function loadCalled(request: CallRequest): Promise<WorkflowSpec> {
  if (request.record.key.split('/').length >= MAX_NESTING) {
    throw new Error(
      `${request.spec.ref}: reusable workflows nest deeper than ${MAX_NESTING} levels`,
    );
  }
  const path = LOCAL_WORKFLOW.exec(request.spec.ref)?.[1];
  if (path === undefined)
    throw new Error(
      `Unsupported reusable workflow '${request.spec.ref}': the twin runner calls only ./.github/workflows/<file>.yml of the same repository`,
    );
  const parsed = await request.run.readWorkflow(path);
  if (!parsed.ok)
    throw new Error(`${request.spec.ref}: invalid workflow file: ${parsed.errors.join('; ')}`);
  if (parsed.value.events.workflow_call === undefined)
    throw new Error(`${request.spec.ref} is not a reusable workflow: it has no on.workflow_call`);
  return parsed.value;
}

/** Runs the called workflow's jobs to a conclusion for the caller job; never throws. */
export async function runCalledWorkflow(
  request: CallRequest,
  startCalled: StartCalled,
): Promise<JobOutcome> {
  const { run, record } = request;
  try {
    const called = await loadCalled(request);
    const child: RunContext = {
      ...run,
      workflow: called,
      inputs: callInputs(request, called),
      settings: { ...run.settings, secrets: callSecrets(request) },
    };
    const scope = {
      contexts: {
        github: request.scope.contexts.github,
        inputs: child.inputs,
        vars: run.settings.vars,
      },
      status: request.scope.status,
    };
    const records = createJobRecords(called, scope, { key: record.key, name: record.name });
    run.record.jobs.splice(run.record.jobs.indexOf(record) + 1, 0, ...records);
    Object.assign(record, { status: 'in_progress', startedAt: new Date().toISOString() });
    return await new Promise<JobOutcome>((resolve) => {
      const scheduler = startCalled(child, records, request, (conclusion) => {
        const finished =
          conclusion === 'success'
            ? 'success'
            : conclusion === 'cancelled'
              ? 'cancelled'
              : 'failure';
        resolve({ conclusion: finished, outputs: callOutputs(called, child, scheduler.results()) });
      });
      request.cancel.addEventListener(
        'abort',
        () => {
          scheduler.cancel();
        },
        { once: true },
      );
      scheduler.start();
    });
  } catch (error) {
    record.error = (error as Error).message;
    return { conclusion: request.cancel.aborted ? 'cancelled' : 'failure', outputs: {} };
  }
}

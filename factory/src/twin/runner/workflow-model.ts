/**
 * Workflow and action files, read with GitHub's own parser. `convertWorkflowTemplate` drops keys the
 * runner needs (`name`, `permissions`, `timeout-minutes`, a step's `with`, `shell` and
 * `working-directory`), so those are read from the validated token tree beside it; steps line up by
 * index because the converter keeps every valid step, in order.
 */
import type {
  EventsConfig,
  Step,
  WorkflowJob,
} from '@actions/workflow-parser/model/workflow-template';
import type { TemplateContext } from '@actions/workflow-parser/templates/template-context';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import {
  isMapping,
  isSequence,
  isString,
} from '@actions/workflow-parser/templates/tokens/type-guards';
import { loadParsers } from './parser-loader.ts';

export type PermissionsSpec = 'read-all' | 'write-all' | Readonly<Record<string, string>>;

export interface StepSpec {
  readonly id: string;
  readonly name: TemplateToken | undefined;
  readonly condition: string;
  readonly continueOnError: boolean | TemplateToken;
  readonly env: TemplateToken | undefined;
  readonly run: TemplateToken | undefined;
  readonly uses: string | undefined;
  readonly with: TemplateToken | undefined;
  readonly shell: TemplateToken | undefined;
  readonly workingDirectory: TemplateToken | undefined;
  readonly timeoutMinutes: TemplateToken | undefined;
}

interface JobSpecBase {
  readonly id: string;
  readonly name: TemplateToken | undefined;
  readonly needs: readonly string[];
  readonly condition: string;
  readonly permissions: PermissionsSpec | undefined;
  readonly concurrency: TemplateToken | undefined;
  readonly outputs: TemplateToken | undefined;
}

export interface StepsJobSpec extends JobSpecBase {
  readonly kind: 'steps';
  readonly env: TemplateToken | undefined;
  readonly timeoutMinutes: TemplateToken | undefined;
  readonly strategy: TemplateToken | undefined;
  readonly steps: readonly StepSpec[];
}

export interface CallJobSpec extends JobSpecBase {
  readonly kind: 'call';
  /** `./.github/workflows/<file>.yml` */
  readonly ref: string;
  readonly with: TemplateToken | undefined;
  readonly secrets: 'inherit' | TemplateToken | undefined;
}

export type JobSpec = StepsJobSpec | CallJobSpec;

export interface WorkflowSpec {
  readonly path: string;
  readonly name: string;
  /** `run-name:`, the title of each run (GitHub's `display_title`), evaluated when it is filed. */
  readonly runName: TemplateToken | undefined;
  readonly events: EventsConfig;
  readonly permissions: PermissionsSpec | undefined;
  readonly concurrency: TemplateToken | undefined;
  readonly env: TemplateToken | undefined;
  readonly jobs: readonly JobSpec[];
  /** `on.workflow_call.outputs` (the converter drops them): name → `{ value: ${{ jobs.… }} }`. */
  readonly callOutputs: TemplateToken | undefined;
}

export interface ActionSpec {
  readonly name: string;
  readonly inputs: readonly { readonly id: string; readonly default: TemplateToken | undefined }[];
  readonly outputs: readonly { readonly id: string; readonly value: TemplateToken | undefined }[];
  readonly runs:
    | { readonly using: 'composite'; readonly steps: readonly StepSpec[] }
    | { readonly using: 'node'; readonly main: string }
    | { readonly using: 'docker' };
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly string[] };

/** The value under `key` in a mapping token, if both exist. */
export function findKey(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  if (token === undefined || !isMapping(token)) return undefined;
  for (const pair of token) if (isString(pair.key) && pair.key.value === key) return pair.value;
  return undefined;
}

function stringValue(token: TemplateToken | undefined): string | undefined {
  return token !== undefined && isString(token) ? token.value : undefined;
}

function readPermissions(token: TemplateToken | undefined): PermissionsSpec | undefined {
  if (token === undefined) return undefined;
  const text = stringValue(token);
  if (text === 'read-all' || text === 'write-all') return text;
  const scopes: Record<string, string> = {};
  if (isMapping(token))
    for (const pair of token)
      scopes[String(stringValue(pair.key))] = stringValue(pair.value) ?? 'none';
  return scopes;
}

function readSteps(steps: readonly Step[], raw: TemplateToken | undefined): StepSpec[] {
  const rawSteps = raw !== undefined && isSequence(raw) ? [...raw] : [];
  return steps.map((step, index) => {
    const rawStep = rawSteps[index];
    return {
      id: step.id,
      name: step.name,
      condition: step.if?.expression ?? 'success()',
      continueOnError: step['continue-on-error'] ?? false,
      env: 'env' in step ? step.env : undefined,
      run: 'run' in step ? step.run : undefined,
      uses: 'uses' in step ? step.uses.value : undefined,
      with: findKey(rawStep, 'with'),
      shell: findKey(rawStep, 'shell'),
      workingDirectory: findKey(rawStep, 'working-directory'),
      timeoutMinutes: findKey(rawStep, 'timeout-minutes'),
    };
  });
}

function readJob(job: WorkflowJob, raw: TemplateToken | undefined): JobSpec {
  const base = {
    id: job.id.value,
    name: job.name,
    needs: (job.needs ?? []).map((need) => need.value),
    condition: job.if.expression,
    permissions: readPermissions(findKey(raw, 'permissions')),
    concurrency: job.concurrency,
    outputs: job.outputs,
  };
  if (job.type === 'reusableWorkflowJob') {
    const secrets = job['inherit-secrets'] === true ? 'inherit' : job['secret-values'];
    return { ...base, kind: 'call', ref: job.ref.value, with: job['input-values'], secrets };
  }
  return {
    ...base,
    kind: 'steps',
    env: job.env,
    timeoutMinutes: findKey(raw, 'timeout-minutes'),
    strategy: job.strategy,
    steps: readSteps(job.steps, findKey(raw, 'steps')),
  };
}

function errorsOf(context: TemplateContext): string[] {
  return context.errors.getErrors().map((error) => error.message);
}

/** Parses a workflow file; a file GitHub would reject gives its parser's errors instead. */
export async function parseWorkflowFile(
  path: string,
  content: string,
): Promise<Parsed<WorkflowSpec>> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = (await loadParsers())
    .workflow;
  const parsed = parseWorkflow({ name: path, content }, new NoOperationTraceWriter());
  if (parsed.value === undefined || parsed.context.errors.count > 0)
    return { ok: false, errors: errorsOf(parsed.context) };
  const root = parsed.value;
  const template = await convertWorkflowTemplate(parsed.context, root);
  if (template.errors !== undefined && template.errors.length > 0) {
    return { ok: false, errors: template.errors.map((error) => error.Message) };
  }
  const rawJobs = findKey(root, 'jobs');
  return {
    ok: true,
    value: {
      path,
      name: stringValue(findKey(root, 'name')) ?? path,
      runName: findKey(root, 'run-name'),
      events: template.events,
      permissions: readPermissions(findKey(root, 'permissions')),
      concurrency: findKey(root, 'concurrency'),
      env: findKey(root, 'env'),
      jobs: template.jobs.map((job) => readJob(job, findKey(rawJobs, job.id.value))),
      callOutputs: findKey(findKey(findKey(root, 'on'), 'workflow_call'), 'outputs'),
    },
  };
}

/** Parses an `action.yml` (composite, node or docker; the runner refuses docker later). */
export async function parseActionFile(path: string, content: string): Promise<Parsed<ActionSpec>> {
  const { workflow, action: actions } = await loadParsers();
  const { parseAction, convertActionTemplate } = actions;
  const { NoOperationTraceWriter } = workflow;
  const parsed = parseAction({ name: path, content }, new NoOperationTraceWriter());
  if (parsed.value === undefined || parsed.context.errors.count > 0)
    return { ok: false, errors: errorsOf(parsed.context) };
  const action = convertActionTemplate(parsed.context, parsed.value);
  if (parsed.context.errors.count > 0) return { ok: false, errors: errorsOf(parsed.context) };
  const runs = action.runs;
  const rawSteps = findKey(findKey(parsed.value, 'runs'), 'steps');
  return {
    ok: true,
    value: {
      name: action.name,
      inputs: (action.inputs ?? []).map((input) => ({ id: input.id, default: input.default })),
      outputs: (action.outputs ?? []).map((output) => ({ id: output.id, value: output.value })),
      runs:
        runs.using === 'composite'
          ? { using: 'composite', steps: readSteps(runs.steps, rawSteps) }
          : runs.using === 'docker'
            ? { using: 'docker' }
            : { using: 'node', main: runs.main },
    },
  };
}

/**
 * Local actions (`uses: ./path`): an `action.yml` read from the workspace, as GitHub reads it after
 * `actions/checkout`. Composite actions run their steps in a scope of their own; node actions run
 * `runs.main` with the current node and `INPUT_<NAME>` variables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveInWorkspace } from './builtin-actions.ts';
import { evaluateString } from './expressions.ts';
import { stepExpressionScope } from './job-context.ts';
import type { StepScope } from './job-context.ts';
import { processEnvironment, runStepProcess } from './step-process.ts';
import type { StepResult } from './step-process.ts';
import { parseActionFile } from './workflow-model.ts';
import type { ActionSpec, StepSpec } from './workflow-model.ts';

/** Composite actions may nest; GitHub stops at ten levels. */
const MAX_DEPTH = 10;

export interface LocalActionRequest {
  readonly scope: StepScope;
  readonly uses: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly stepEnv: Record<string, string>;
  readonly log: string[];
  /** Passed in rather than imported, so steps and actions do not import each other. */
  readonly runSteps: (
    scope: StepScope,
    steps: readonly StepSpec[],
    parentLog?: string[],
  ) => Promise<void>;
}

/** GitHub's rule: spaces become underscores, then upper case. */
export function inputVariableName(id: string): string {
  return `INPUT_${id.replace(/ /g, '_').toUpperCase()}`;
}

async function readAction(
  workspace: string,
  uses: string,
): Promise<{ dir: string; action: ActionSpec }> {
  const dir = resolveInWorkspace(workspace, uses);
  const file = ['action.yml', 'action.yaml']
    .map((name) => join(dir, name))
    .find((path) => existsSync(path));
  if (file === undefined) {
    throw new Error(
      `Can't find 'action.yml' or 'action.yaml' under '${dir}'. Did you forget to run actions/checkout before running your local action?`,
    );
  }
  const parsed = await parseActionFile(file, readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`${uses}: invalid action file: ${parsed.errors.join('; ')}`);
  return { dir, action: parsed.value };
}

function resolveInputs(request: LocalActionRequest, action: ActionSpec): Record<string, string> {
  const expressions = stepExpressionScope(request.scope, request.stepEnv);
  const resolved: Record<string, string> = { ...request.inputs };
  for (const input of action.inputs) {
    if (resolved[input.id] !== undefined) continue;
    resolved[input.id] =
      input.default === undefined ? '' : evaluateString(input.default, expressions);
  }
  return resolved;
}

async function runComposite(
  request: LocalActionRequest,
  dir: string,
  action: ActionSpec,
  steps: readonly StepSpec[],
  inputs: Record<string, string>,
): Promise<StepResult> {
  const { scope } = request;
  if (scope.depth >= MAX_DEPTH)
    throw new Error(`Composite actions nest deeper than ${MAX_DEPTH} levels`);
  const nested: StepScope = {
    job: scope.job,
    steps: {},
    inputs,
    env: { ...scope.env, ...request.stepEnv },
    actionPath: dir,
    depth: scope.depth + 1,
    failed: false,
  };
  await request.runSteps(nested, steps, request.log);
  const outputs: Record<string, string> = {};
  for (const output of action.outputs) {
    outputs[output.id] =
      output.value === undefined ? '' : evaluateString(output.value, stepExpressionScope(nested));
  }
  return {
    outcome: nested.failed ? 'failure' : scope.job.signal.aborted ? 'cancelled' : 'success',
    outputs,
  };
}

/** Runs a local action in the step's scope. */
export async function runLocalAction(request: LocalActionRequest): Promise<StepResult> {
  const { scope } = request;
  const { dir, action } = await readAction(scope.job.dirs.workspace, request.uses);
  const inputs = resolveInputs(request, action);
  const { runs } = action;
  switch (runs.using) {
    case 'composite':
      return runComposite(request, dir, action, runs.steps, inputs);
    case 'node': {
      const env = processEnvironment(scope, request.stepEnv);
      for (const [id, value] of Object.entries(inputs)) env[inputVariableName(id)] = value;
      env.GITHUB_ACTION_PATH = dir;
      const command = {
        command: scope.job.run.settings.nodePath,
        args: [join(dir, runs.main)],
        cwd: scope.job.dirs.workspace,
        env,
        signal: scope.job.signal,
      };
      return runStepProcess(scope, command, request.log);
    }
    case 'docker':
      throw new Error(`${request.uses}: docker actions are not supported by the twin runner`);
  }
}

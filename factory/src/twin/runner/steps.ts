/**
 * Runs a list of steps (a job's, or a composite action's): `if:`, `env:`, `continue-on-error`,
 * `timeout-minutes`, the `steps` context, and the dispatch to a script, a local action or a built-in.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_ACTIONS, findBuiltin, resolveInWorkspace } from './builtin-actions.ts';
import {
  evaluateCondition,
  evaluateString,
  evaluateStringMap,
  evaluateToken,
} from './expressions.ts';
import { stepExpressionScope } from './job-context.ts';
import type { StepScope } from './job-context.ts';
import { runLocalAction } from './local-actions.ts';
import type { StepRecord } from './records.ts';
import { maskForJob, processEnvironment, runStepProcess, shellCommand } from './step-process.ts';
import type { StepResult } from './step-process.ts';
import type { StepSpec } from './workflow-model.ts';

let scriptCounter = 0;

/** Why a `uses:` cannot run here, or undefined when it can. Checked before a job starts, as GitHub does. */
export function checkUses(uses: string): string | undefined {
  if (uses.startsWith('./')) return undefined;
  if (findBuiltin(uses) !== undefined) return undefined;
  return `Unsupported action '${uses}': the twin runner runs local actions (uses: ./path with an action.yml, composite or node) and built-in equivalents of ${SUPPORTED_ACTIONS.join(', ')}`;
}

function defaultName(step: StepSpec, script: string | undefined): string {
  if (step.uses !== undefined) return `Run ${step.uses}`;
  const firstLine = (script ?? '').split('\n')[0] ?? '';
  return `Run ${firstLine.trim()}`;
}

function timeoutSignal(
  scope: StepScope,
  step: StepSpec,
  env: Readonly<Record<string, string>>,
): AbortSignal {
  if (step.timeoutMinutes === undefined) return scope.job.signal;
  const minutes = Number(evaluateToken(step.timeoutMinutes, stepExpressionScope(scope, env)));
  return AbortSignal.any([scope.job.signal, AbortSignal.timeout(Math.max(1, minutes * 60_000))]);
}

async function executeRun(
  scope: StepScope,
  step: StepSpec,
  env: Record<string, string>,
  log: string[],
): Promise<StepResult> {
  const expressions = stepExpressionScope(scope, env);
  const script = step.run === undefined ? '' : evaluateString(step.run, expressions);
  const shell = step.shell === undefined ? undefined : evaluateString(step.shell, expressions);
  const directory =
    step.workingDirectory === undefined ? '' : evaluateString(step.workingDirectory, expressions);
  const cwd = resolveInWorkspace(scope.job.dirs.workspace, directory);
  if (!existsSync(cwd)) {
    log.push(`Error: working directory '${directory}' does not exist`);
    return { outcome: 'failure', outputs: {} };
  }
  scriptCounter += 1;
  const scriptPath = join(scope.job.dirs.temp, `script_${scriptCounter}.sh`);
  writeFileSync(scriptPath, script);
  const { command, args } = shellCommand(shell, scriptPath);
  const signal = timeoutSignal(scope, step, env);
  return runStepProcess(
    scope,
    { command, args, cwd, env: processEnvironment(scope, env), signal },
    log,
  );
}

async function executeUses(
  scope: StepScope,
  step: StepSpec,
  env: Record<string, string>,
  log: string[],
): Promise<StepResult> {
  const uses = step.uses ?? '';
  const inputs = evaluateStringMap(step.with, stepExpressionScope(scope, env));
  if (uses.startsWith('./'))
    return runLocalAction({ scope, uses, inputs, stepEnv: env, log, runSteps });
  const builtin = findBuiltin(uses);
  if (builtin === undefined) throw new Error(checkUses(uses));
  const outputs = await builtin({
    job: scope.job,
    inputs,
    env: processEnvironment(scope, env),
    log: (line) => log.push(line),
  });
  return { outcome: 'success', outputs };
}

async function executeStep(scope: StepScope, step: StepSpec, log: string[]): Promise<StepResult> {
  try {
    const env = evaluateStringMap(step.env, stepExpressionScope(scope));
    return await (step.uses === undefined
      ? executeRun(scope, step, env, log)
      : executeUses(scope, step, env, log));
  } catch (error) {
    log.push(`Error: ${(error as Error).message}`);
    return { outcome: scope.job.signal.aborted ? 'cancelled' : 'failure', outputs: {} };
  }
}

function shouldRun(scope: StepScope, step: StepSpec, log: string[]): boolean | 'error' {
  try {
    return evaluateCondition(step.condition, stepExpressionScope(scope));
  } catch (error) {
    log.push(`Error: the step's if: cannot be evaluated: ${(error as Error).message}`);
    return 'error';
  }
}

function continuesOnError(scope: StepScope, step: StepSpec): boolean {
  if (typeof step.continueOnError === 'boolean') return step.continueOnError;
  return evaluateToken(step.continueOnError, stepExpressionScope(scope)) === true;
}

/**
 * Runs `steps` in order. Top-level steps each get a record on the job; a composite action's steps
 * write into the log of the step that called it (`parentLog`), as GitHub shows them.
 */
export async function runSteps(
  scope: StepScope,
  steps: readonly StepSpec[],
  parentLog?: string[],
): Promise<void> {
  mkdirSync(scope.job.dirs.temp, { recursive: true });
  for (const step of steps) {
    const log = parentLog ?? [];
    const record: StepRecord = {
      name: step.uses ?? 'step',
      status: 'in_progress',
      outcome: null,
      conclusion: null,
      startedAt: new Date().toISOString(),
      completedAt: null,
      processStartedAt: null,
      log: '',
    };
    if (parentLog === undefined) scope.job.record.steps.push(record);
    const decision = scope.job.signal.aborted ? false : shouldRun(scope, step, log);
    let result: StepResult = { outcome: 'failure', outputs: {} };
    if (decision === true) result = await executeStep(scope, step, log);
    const outcome = decision === false ? 'skipped' : result.outcome;
    const conclusion = outcome === 'failure' && continuesOnError(scope, step) ? 'success' : outcome;
    if (conclusion === 'failure') scope.failed = true;
    scope.steps[step.id] = { outputs: result.outputs, outcome, conclusion };
    const script = step.run === undefined ? undefined : evaluateName(scope, step.run);
    Object.assign(record, {
      name: step.name === undefined ? defaultName(step, script) : evaluateName(scope, step.name),
      status: 'completed',
      outcome,
      conclusion,
      completedAt: new Date().toISOString(),
      processStartedAt: result.processStartedAt ?? null,
      log: parentLog === undefined ? maskForJob(scope, log.join('\n')) : '',
    });
  }
}

function evaluateName(scope: StepScope, token: NonNullable<StepSpec['name']>): string {
  try {
    return maskForJob(scope, evaluateString(token, stepExpressionScope(scope)));
  } catch {
    return 'step';
  }
}

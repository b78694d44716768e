/**
 * One step that runs a process (a `run:` script or a node action): its environment, the files it
 * uses to talk back (`$GITHUB_OUTPUT`, `$GITHUB_ENV`, `$GITHUB_PATH`, `$GITHUB_STEP_SUMMARY`), and
 * masking of what it prints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractMasks, maskSecrets, parseKeyValueFile } from './file-commands.ts';
import { baseEnvironment } from './job-context.ts';
import type { StepScope } from './job-context.ts';
import { runProcess, type ProcessResult } from './process.ts';

export interface StepResult {
  readonly outcome: 'success' | 'failure' | 'cancelled';
  readonly outputs: Readonly<Record<string, string>>;
  /** When the step's process was spawned, for steps that run one that was. */
  readonly processStartedAt?: string;
}

export interface StepCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

let fileCounter = 0;

/** The environment a step's process gets: Actions' variables, then env from outer to inner levels. */
export function processEnvironment(
  scope: StepScope,
  stepEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const base = baseEnvironment(scope.job);
  const env: Record<string, string> = {
    ...base,
    ...scope.env,
    ...scope.job.exportedEnv,
    ...stepEnv,
  };
  env.PATH = [...scope.job.pathAdditions, env.PATH ?? base.PATH ?? ''].join(':');
  if (scope.actionPath !== undefined) env.GITHUB_ACTION_PATH = scope.actionPath;
  return env;
}

/** Masks a text with the job's masks (secrets, the job token, `::add-mask::` values). */
export function maskForJob(scope: StepScope, text: string): string {
  return maskSecrets(text, scope.job.masks);
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Applies `$GITHUB_ENV` and `$GITHUB_PATH` to the job and returns the step's outputs. */
function applyFileCommands(
  scope: StepScope,
  files: Readonly<Record<string, string>>,
  log: string[],
): Record<string, string> {
  const { job } = scope;
  try {
    Object.assign(job.exportedEnv, parseKeyValueFile(readText(files.GITHUB_ENV ?? '')));
    const paths = readText(files.GITHUB_PATH ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    job.pathAdditions.unshift(...paths.reverse());
    const summary = readText(files.GITHUB_STEP_SUMMARY ?? '');
    if (summary !== '') job.record.summary += maskForJob(scope, summary);
    return parseKeyValueFile(readText(files.GITHUB_OUTPUT ?? ''));
  } catch (error) {
    log.push(`Error: Unable to process file command: ${(error as Error).message}`);
    throw error;
  }
}

/** Runs the command of a step and collects its outputs, env, path, summary and masked log. */
export async function runStepProcess(
  scope: StepScope,
  command: StepCommand,
  log: string[],
): Promise<StepResult> {
  fileCounter += 1;
  const files: Record<string, string> = {};
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']) {
    files[name] = join(scope.job.dirs.temp, `${name.toLowerCase()}_${fileCounter}`);
    writeFileSync(files[name], '');
  }
  const result = await runProcess({ ...command, env: { ...command.env, ...files } });
  const concluded = concludeStep(scope, command, files, result, log);
  return result.spawnedAt === null
    ? concluded
    : { ...concluded, processStartedAt: result.spawnedAt };
}

/** The step's outcome and outputs from its process's exit and the file commands it wrote. */
function concludeStep(
  scope: StepScope,
  command: StepCommand,
  files: Readonly<Record<string, string>>,
  result: ProcessResult,
  log: string[],
): StepResult {
  const { masks, log: text } = extractMasks(result.output);
  masks.forEach((value) => scope.job.masks.add(value));
  log.push(maskForJob(scope, text));
  if (result.exitCode === null)
    return {
      outcome: command.signal.aborted && scope.job.signal.aborted ? 'cancelled' : 'failure',
      outputs: {},
    };
  let outputs: Record<string, string>;
  try {
    outputs = applyFileCommands(scope, files, log);
  } catch {
    return { outcome: 'failure', outputs: {} };
  }
  if (result.exitCode !== 0)
    log.push(`Error: Process completed with exit code ${result.exitCode}.`);
  return { outcome: result.exitCode === 0 ? 'success' : 'failure', outputs };
}

/** Turns `shell:` into a command line for the script file (GitHub's defaults for bash and sh). */
export function shellCommand(
  shell: string | undefined,
  script: string,
): { command: string; args: string[] } {
  const spec =
    shell === undefined || shell === ''
      ? 'bash -e {0}'
      : shell === 'bash'
        ? 'bash --noprofile --norc -eo pipefail {0}'
        : shell === 'sh'
          ? 'sh -e {0}'
          : shell.includes('{0}')
            ? shell
            : `${shell} {0}`;
  const [command = 'bash', ...args] = spec
    .split(/\s+/)
    .map((part) => (part === '{0}' ? script : part));
  return { command, args };
}

/**
 * Running git: always `spawn` with an argument list (never a shell), in a fixed environment so no
 * user or system configuration, hook, prompt or editor can change what git does, and with the
 * credentials of one command handed to that command alone.
 */
import { spawn } from 'node:child_process';
import { isAuthHeader, scrubSecrets, secretFormsOf } from './credentials.ts';
import { GitError } from './errors.ts';

export interface GitRunResult {
  readonly code: number;
  readonly stdout: Buffer;
  /** Already scrubbed of credentials. */
  readonly stderr: string;
}

export interface RunRequest {
  /** Sent to git's standard input. */
  readonly input?: string | Uint8Array;
  /** `Authorization: …` for this one command (network commands only). */
  readonly authHeader?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Defaults to the runner's directory. */
  readonly cwd?: string;
}

export interface GitRunner {
  readonly dir: string;
  /** Runs git and resolves with its exit code; throws `GitError` only when git cannot run. */
  run(args: readonly string[], request?: RunRequest): Promise<GitRunResult>;
  /** Runs git and returns its trimmed standard output; throws `GitError` on a non-zero exit. */
  output(args: readonly string[], request?: RunRequest): Promise<string>;
  /** Runs git and returns its raw standard output; throws `GitError` on a non-zero exit. */
  bytes(args: readonly string[], request?: RunRequest): Promise<Buffer>;
  /** Removes every credential this runner has seen from a text meant for people. */
  scrub(text: string): string;
}

export interface RunnerOptions {
  readonly dir: string;
  /** Extra variables for every git process (e.g. tracing in a test); the safety settings win. */
  readonly env?: Readonly<Record<string, string>>;
  /** A git process still running after this long is stopped (default 5 minutes). */
  readonly timeoutMs?: number;
}

/**
 * Settings every command runs with, passed as `GIT_CONFIG_*` variables: like `-c`, they apply to
 * this process only and are never written to `.git/config`, but unlike `-c` they do not show in
 * the process list, which every user of the machine can read.
 */
const FIXED_CONFIG: readonly (readonly [string, string])[] = [
  // A patch could plant a hook; the factory never runs the repository's own hooks.
  ['core.hooksPath', '/dev/null'],
  // Nor a filesystem monitor named in `.git/config`, which git would start on `add` and `status`.
  ['core.fsmonitor', 'false'],
  ['advice.detachedHead', 'false'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['commit.gpgSign', 'false'],
];

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Creates a runner for the repository at `dir`. */
export function createGitRunner(options: RunnerOptions): GitRunner {
  const secrets = new Set<string>();
  const scrub = (text: string): string => scrubSecrets(text, [...secrets]);
  const run = async (args: readonly string[], request: RunRequest = {}) => {
    if (request.authHeader !== undefined) {
      if (!isAuthHeader(request.authHeader)) {
        throw new GitError(subcommandOf(args), undefined, '', 'the auth header is malformed');
      }
      for (const form of secretFormsOf(request.authHeader)) secrets.add(form);
    }
    const env = gitEnvironment(options.env, request);
    const raw = await spawnGit(args, request.cwd ?? options.dir, env, request.input, {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    const stderr = scrub(raw.stderr);
    if (raw.code === undefined)
      throw new GitError(subcommandOf(args), undefined, stderr, scrub(raw.why));
    return { code: raw.code, stdout: raw.stdout, stderr };
  };
  const bytes = async (args: readonly string[], request?: RunRequest) => {
    const result = await run(args, request);
    if (result.code !== 0) throw new GitError(subcommandOf(args), result.code, result.stderr);
    return result.stdout;
  };
  return {
    dir: options.dir,
    run,
    bytes,
    scrub,
    output: async (args, request) => (await bytes(args, request)).toString('utf8').trim(),
  };
}

function gitEnvironment(
  callerEnv: Readonly<Record<string, string>> = {},
  request: RunRequest,
): Record<string, string> {
  const config = [...FIXED_CONFIG];
  if (request.authHeader !== undefined) config.push(['http.extraHeader', request.authHeader]);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...callerEnv,
    ...request.env,
    HOME: '/nonexistent',
    // git's messages are parsed (conflicts, push refusals): keep them in one language.
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_EDITOR: 'true',
    GIT_LITERAL_PATHSPECS: '1',
    ...configVariables(config),
  };
}

function configVariables(config: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${String(index)}`] = key;
    env[`GIT_CONFIG_VALUE_${String(index)}`] = value;
  });
  return env;
}

export function subcommandOf(args: readonly string[]): string {
  return args.find((arg) => !arg.startsWith('-')) ?? 'git';
}

interface RawResult {
  /** Undefined when git did not run to completion. */
  readonly code: number | undefined;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly why: string;
}

function spawnGit(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  input: string | Uint8Array | undefined,
  limits: { readonly timeoutMs: number },
): Promise<RawResult> {
  return new Promise((resolve) => {
    // Its own process group, so the time limit also stops the helpers git starts (remote-http).
    const child = spawn('git', args, { cwd, env, detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const settle = (code: number | undefined, why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString('utf8');
      resolve({ code, stdout: Buffer.concat(stdout), stderr: err, why });
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup(child.pid);
    }, limits.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // git may exit before reading all of its input (e.g. on a bad patch); that is its answer.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('error', (error) => {
      settle(undefined, `git could not run: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      const limit = `stopped at the time limit of ${String(limits.timeoutMs)} ms`;
      settle(code ?? undefined, timedOut ? limit : `killed by ${String(signal)}`);
    });
  });
}

function stopGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

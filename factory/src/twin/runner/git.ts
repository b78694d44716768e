/**
 * Git for the runner: a mirror of the host's repository to read workflow files from, and the
 * checkout built-in. Git runs with a minimal environment so the user's configuration and
 * credentials never take part.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface GitOptions {
  readonly cwd: string;
  /** HOME for git: a directory of the runner's, never the user's. */
  readonly home: string;
  readonly signal?: AbortSignal;
  /** Extra configuration passed through the environment, so values (headers) never show in `ps`. */
  readonly config?: Readonly<Record<string, string>>;
}

function gitEnv(options: GitOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.home,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'twin-runner',
    GIT_AUTHOR_EMAIL: 'twin-runner@localhost',
    GIT_COMMITTER_NAME: 'twin-runner',
    GIT_COMMITTER_EMAIL: 'twin-runner@localhost',
  };
  const entries = Object.entries(options.config ?? {});
  env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/** Runs git and returns stdout; throws with git's stderr on failure. */
export async function git(args: readonly string[], options: GitOptions): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', [...args], {
      cwd: options.cwd,
      env: gitEnv(options),
      maxBuffer: 64 * 1024 * 1024,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail =
      typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : (error as Error).message;
    throw new Error(`git ${args[0] ?? ''} failed: ${detail}`, { cause: error });
  }
}

/** Runs git with `input` on stdin and returns raw stdout (for `cat-file --batch`). */
export function gitWithInput(
  args: readonly string[],
  input: string,
  options: GitOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], {
      cwd: options.cwd,
      env: gitEnv(options),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new Error(`git ${args[0] ?? ''} failed: ${Buffer.concat(err).toString('utf8').trim()}`),
        );
    });
    child.stdin.end(input);
  });
}

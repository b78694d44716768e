/**
 * Git for the runner: a mirror of the host's repository to read workflow files from, and the
 * checkout built-in. Git runs with a minimal environment so the user's configuration and
 * credentials never take part.
 */
import { execFile } from 'node:child_process';
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

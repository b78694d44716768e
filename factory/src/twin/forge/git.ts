/**
 * Real git on the forge's bare repository. Every child gets a minimal environment: no global or
 * system config, no prompts, and none of the parent's variables (so no secret can leak into git).
 */
import { execFile } from 'node:child_process';

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

export interface GitRunOptions {
  readonly gitDir?: string;
  readonly cwd?: string;
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly identity?: GitIdentity;
}

export interface GitResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number;
}

/** GitHub commits merges and server-side rebases as this identity. */
export const FORGE_COMMITTER: GitIdentity = { name: 'GitHub', email: 'noreply@github.com' };

/** The environment every git child of the forge runs with. */
export function gitEnvironment(
  identity: GitIdentity = FORGE_COMMITTER,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    ...extra,
  };
}

/** Runs git and resolves with its exit code instead of throwing. */
export function runGit(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
  const fullArgs =
    options.gitDir === undefined ? [...args] : ['--git-dir', options.gitDir, ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      fullArgs,
      {
        cwd: options.cwd,
        env: gitEnvironment(options.identity, options.env),
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`git could not run: ${error.message}`));
          return;
        }
        resolve({
          stdout,
          stderr: stderr.toString('utf8'),
          code: error === null ? 0 : Number(error.code),
        });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs git and returns its trimmed stdout; throws with git's stderr when it fails. */
export async function git(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
  const result = await runGit(args, options);
  if (result.code !== 0) {
    throw new Error(`git ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  }
  return result.stdout.toString('utf8').trim();
}

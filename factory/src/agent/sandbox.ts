/**
 * The process sandbox for the `run` tool. What `run` executes is code the model wrote, so it
 * is treated as hostile: it runs under bubblewrap with no network, its own PID namespace and
 * `/proc` (the factory's process and its environment are invisible), no capabilities, an empty
 * environment plus a short allowlist, the workspace as the only writable folder, and only the
 * system folders and the Node installation visible (read-only): no home folder, no runner folders.
 *
 * bwrap itself is started with an empty environment too: with `--unshare-pid` it becomes PID 1 of
 * the sandbox, and `/proc/1/environ` would otherwise show the factory's whole environment.
 *
 * Without a usable bwrap, `run` is refused outright (the strictest mode there is): no fallback runs
 * agent code next to the model key.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, lstat, mkdtemp, readlink, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { truncateMiddle } from './tools/visible-text.ts';

export type SandboxStatus =
  | { readonly usable: true; readonly bwrap: string }
  | { readonly usable: false; readonly reason: string };

export interface SandboxedCommand {
  readonly argv: readonly string[];
  /** Real path of the workspace: the sandbox's working folder and its only writable one. */
  readonly workspace: string;
  readonly timeoutMs: number;
  readonly maxOutputChars: number;
  /** The session's wall clock: aborting it kills the command as if its own time had run out. */
  readonly signal?: AbortSignal | undefined;
}

export interface SandboxResult {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** stdout and stderr interleaved, cut in the middle when too long. */
  readonly output: string;
  readonly durationMs: number;
}

/** Top-level folders that hold the system's programs and libraries. */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

/** The Node installation running the factory (GitHub's runners keep it under /opt). */
function nodePrefix(): string {
  return path.dirname(path.dirname(process.execPath));
}

async function findOnPath(program: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, program);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

/** Mount arguments for the system folders: merged-/usr symlinks stay symlinks. */
async function systemMounts(): Promise<string[]> {
  const args: string[] = [];
  const prefix = await realpath(nodePrefix());
  const dirs = SYSTEM_DIRS.some((dir) => prefix === dir || prefix.startsWith(`${dir}/`))
    ? SYSTEM_DIRS
    : [...SYSTEM_DIRS, prefix];
  for (const dir of dirs) {
    const info = await lstat(dir).catch(() => undefined);
    if (info?.isSymbolicLink()) args.push('--symlink', await readlink(dir), dir);
    else if (info?.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

const SANDBOX_HOME = '/tmp/home';

/** The whole environment a sandboxed command sees; nothing is inherited. */
const SANDBOX_ENV: Readonly<Record<string, string>> = {
  HOME: SANDBOX_HOME,
  TMPDIR: '/tmp',
  LANG: 'C.UTF-8',
  CI: 'true',
  FORCE_COLOR: '0',
};

/**
 * `.git` stays read-only inside the sandbox: a hook or a `core.fsmonitor` planted there would run
 * outside it the next time the stage runs git in the workspace, where the tokens are.
 */
async function gitReadOnly(workspace: string): Promise<string[]> {
  const git = path.join(workspace, '.git');
  return (await lstat(git).catch(() => undefined)) ? ['--ro-bind', git, git] : [];
}

/** The full bwrap argument list for one command. */
export async function bwrapArguments(
  workspace: string,
  argv: readonly string[],
): Promise<string[]> {
  const searchPath = [
    ...new Set([path.join(nodePrefix(), 'bin'), '/usr/local/bin', '/usr/bin', '/bin']),
  ].join(':');
  const env = Object.entries({ PATH: searchPath, ...SANDBOX_ENV }).flatMap(([name, value]) => [
    '--setenv',
    name,
    value,
  ]);
  const isolation = [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--clearenv',
  ];
  const scratch = ['--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--dir', SANDBOX_HOME];
  const work = [
    '--bind',
    workspace,
    workspace,
    ...(await gitReadOnly(workspace)),
    '--chdir',
    workspace,
  ];
  return [...isolation, ...env, ...(await systemMounts()), ...scratch, ...work, '--', ...argv];
}

function execute(
  bwrap: string,
  args: readonly string[],
  command: SandboxedCommand,
): Promise<SandboxResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // An empty environment for bwrap itself: see the file comment.
    const child = spawn(bwrap, args, { env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const keep = (chunk: Buffer): void => {
      output = truncateMiddle(output + chunk.toString('utf8'), command.maxOutputChars);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // The command's own limit and the session's wall clock can fire in the same tick; either way
    // the command was cut short for time, never finished.
    const expire = (): void => {
      timedOut = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(expire, command.timeoutMs);
    command.signal?.addEventListener('abort', expire, { once: true });
    child.on('error', reject);
    // A process that escaped the kill could hold the pipes open for ever: once bwrap itself has
    // exited, give the output a moment to drain, then stop reading.
    child.on('exit', () => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 250).unref();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      command.signal?.removeEventListener('abort', expire);
      resolve({ exitCode: code, timedOut, output, durationMs: Date.now() - started });
    });
  });
}

/** Runs `argv` in the sandbox. */
export async function runSandboxed(
  status: SandboxStatus & { usable: true },
  command: SandboxedCommand,
): Promise<SandboxResult> {
  return execute(status.bwrap, await bwrapArguments(command.workspace, command.argv), command);
}

let cached: Promise<SandboxStatus> | undefined;

/**
 * Whether bwrap exists and can build the sandbox here (it needs user namespaces, which some
 * hosts restrict). Probed once per process by running `true` inside it.
 */
export function probeSandbox(): Promise<SandboxStatus> {
  cached ??= (async (): Promise<SandboxStatus> => {
    const bwrap = await findOnPath('bwrap');
    if (!bwrap)
      return {
        usable: false,
        reason: 'bwrap (bubblewrap) is not installed: apt-get install -y bubblewrap',
      };
    // An empty folder stands in for the workspace: the probe must not depend on the caller's cwd.
    const workspace = await realpath(
      await mkdtemp(path.join(os.tmpdir(), 'factory-sandbox-probe-')),
    );
    const probe = await execute(bwrap, await bwrapArguments(workspace, ['true']), {
      argv: ['true'],
      workspace,
      timeoutMs: 10_000,
      maxOutputChars: 2_000,
    })
      .catch((error: unknown) => ({
        exitCode: null,
        timedOut: false,
        output: String(error),
        durationMs: 0,
      }))
      .finally(() => rm(workspace, { recursive: true, force: true }));
    if (probe.exitCode === 0) return { usable: true, bwrap };
    return {
      usable: false,
      reason: `bwrap cannot build the sandbox here (user namespaces restricted?): ${probe.output.trim()}`,
    };
  })();
  return cached;
}

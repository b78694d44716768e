/**
 * Child processes for steps. Each runs in its own process group so a timeout or a cancellation kills
 * the whole tree (a step's `sleep`, a node action's children), as the Actions runner does.
 */
import { spawn } from 'node:child_process';

export interface ProcessRequest {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The complete environment: nothing of the runner's own is added. */
  readonly env: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

export interface ProcessResult {
  /** Null when the process was killed (timeout or cancellation). */
  readonly exitCode: number | null;
  /** When the process was spawned (ISO 8601); null when it never was (already cancelled). */
  readonly spawnedAt: string | null;
  /** Stdout and stderr interleaved as they arrived. */
  readonly output: string;
}

/** The most output kept per step; the tail is what explains a failure, so the head is dropped. */
const MAX_OUTPUT = 1_000_000;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Runs a process to completion, or kills its process group when `signal` aborts. */
export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let output = '';
    const append = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT);
    };
    if (request.signal.aborted) {
      resolve({ exitCode: null, spawnedAt: null, output });
      return;
    }
    const spawnedAt = new Date().toISOString();
    const child = spawn(request.command, [...request.args], {
      cwd: request.cwd,
      env: { ...request.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onAbort = (): void => {
      killGroup(child.pid);
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.on('error', (error) => {
      append(Buffer.from(`${error.message}\n`));
    });
    child.on('close', (code, signal) => {
      request.signal.removeEventListener('abort', onAbort);
      // A step's background children must not outlive it.
      killGroup(child.pid);
      resolve({ exitCode: signal === null ? code : null, spawnedAt, output });
    });
  });
}

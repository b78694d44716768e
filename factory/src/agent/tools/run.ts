/**
 * The `run` tool: only exact command lines from `config.commands.allowlist`, always inside the
 * sandbox, with a time limit and head-and-tail truncated output. No shell parses the line: it is
 * split on spaces into an argument list, so nothing can be chained onto an allowed command.
 */
import { runSandboxed, type SandboxStatus } from '../sandbox.ts';
import { ToolRefusal } from '../workspace-paths.ts';
import { fenceUntrusted } from '../context/index.ts';

export interface CommandRun {
  readonly command: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

export interface RunToolContext {
  readonly workspace: string;
  readonly allowlist: readonly string[];
  readonly timeoutMs: number;
  readonly maxOutputChars: number;
  readonly sandbox: SandboxStatus;
  /** Milliseconds left on the session's wall clock: a command never outlives its session. */
  readonly remainingMs: () => number;
  readonly signal?: AbortSignal | undefined;
  readonly onRun: (run: CommandRun) => void;
}

/** `run`: executes one allowlisted command in the sandbox and reports its exit code and output. */
export async function runCommandTool(
  context: RunToolContext,
  input: { command: string },
): Promise<string> {
  const command = input.command.trim();
  if (!context.allowlist.includes(command)) {
    throw new ToolRefusal(
      `command refused: "${command}" is not allowed; allowed exactly: ${context.allowlist.map((c) => `"${c}"`).join(', ')}`,
    );
  }
  if (!context.sandbox.usable) {
    throw new ToolRefusal(
      `run is unavailable: no usable sandbox (${context.sandbox.reason}); commands never run unsandboxed`,
    );
  }
  const timeoutMs = Math.min(context.timeoutMs, context.remainingMs());
  if (timeoutMs <= 0)
    throw new ToolRefusal('command refused: the session has no time left on its wall clock');
  const result = await runSandboxed(context.sandbox, {
    argv: command.split(/\s+/),
    workspace: context.workspace,
    timeoutMs,
    maxOutputChars: context.maxOutputChars,
    signal: context.signal,
  });
  context.onRun({
    command,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
  });
  const status = result.timedOut
    ? `timed out after ${String(Math.round(result.durationMs / 1000))} s and was killed`
    : `exit code ${String(result.exitCode)}`;
  // The status line is the runtime's own; the output is whatever agent-written code printed, so it
  // is sanitised and fenced as data like every other untrusted text (R-09).
  return `$ ${command}\n${status}\n${fenceUntrusted(`output of ${command}`, result.output)}`;
}

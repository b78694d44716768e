/**
 * Everything a session needs before its first model call: the prompt, the model and its price,
 * the budget, the transcript, the sandbox, the tools and the client. Kept apart from the loop in
 * `session.ts` so the loop reads as the policy it is.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { realpath } from 'node:fs/promises';
import { budgetFor, type Price, type StageBudget } from '../core/config.ts';
import { buildSessionPrompt, type SessionPrompt } from './context/index.ts';
import { addUsage, fromApiUsage, NO_USAGE, type TokenUsage } from './budget.ts';
import { createRedactor } from './redact.ts';
import { probeSandbox, type SandboxStatus } from './sandbox.ts';
import type { RunAgentOptions } from './session-options.ts';
import { createRoleTools, type CommandRun, type SubmissionRecord } from './tools/index.ts';
import { createRecordingFetch, openTranscript, type Transcript } from './transcript.ts';
import { createProtectedMatcher } from './workspace-paths.ts';

/** What a session measures as it goes. */
export interface SessionState {
  turns: number;
  usage: TokenUsage;
  /** Usage of the latest reply: the basis for projecting the next call. */
  last: TokenUsage | undefined;
  /** The estimated tokens of the tool results the next call sends, which no usage counts yet. */
  toolResultTokens: number;
  /**
   * Attempts that got no answer, at the most each could cost: the API may have billed them all
   * the same, so they count against the session's money, not its tokens.
   */
  unanswered: TokenUsage;
  transientErrors: number;
  readonly commands: CommandRun[];
  readonly submission: SubmissionRecord;
  /** The exit code of each command's last run; `null` for a timeout. */
  readonly ledger: Map<string, number | null>;
}

export interface PreparedSession {
  readonly root: string;
  readonly prompt: SessionPrompt;
  readonly model: string;
  readonly price: Price;
  readonly budget: StageBudget;
  readonly transcript: Transcript;
  readonly sandbox: SandboxStatus;
  readonly startedAt: number;
  readonly wallMs: number;
}

export function createSessionState(): SessionState {
  const ledger = new Map<string, number | null>();
  return {
    turns: 0,
    usage: NO_USAGE,
    last: undefined,
    toolResultTokens: 0,
    unanswered: NO_USAGE,
    transientErrors: 0,
    commands: [],
    submission: { accepted: undefined, rejections: [], ledger },
    ledger,
  };
}

function warnToStderr(message: string): void {
  process.stderr.write(`factory agent: ${message}\n`);
}

async function sandboxFor(options: RunAgentOptions): Promise<SandboxStatus> {
  if (options.role !== 'implementer')
    return { usable: false, reason: 'not needed: this role runs no commands' };
  const status = options.sandbox ?? (await probeSandbox());
  if (!status.usable) {
    (options.onWarning ?? warnToStderr)(
      `SANDBOX UNAVAILABLE, the run tool is disabled for this session: ${status.reason}`,
    );
  }
  return status;
}

/**
 * Builds the prompt and picks the model; throws before any spend when the model has no price (its
 * cost could not be bounded) or the role file is broken.
 */
export async function prepareSession(options: RunAgentOptions): Promise<PreparedSession> {
  const startedAt = Date.now();
  const { role, config } = options;
  // Probing the sandbox starts a process: let it run while the prompt is built.
  const sandboxReady = sandboxFor(options);
  const budget = options.budget ?? budgetFor(config, role);
  const root = await realpath(options.workspace);
  const floor = {
    ...(options.floor === undefined ? {} : { floor: options.floor }),
    ...(options.floorContent === undefined ? {} : { floorContent: options.floorContent }),
  };
  const prompt = await (options.buildPrompt ?? buildSessionPrompt)({
    workspace: root,
    role,
    task: options.task,
    ...floor,
  });
  const model = prompt.model ?? config.models[role];
  const price = config.prices[model];
  if (!price)
    throw new Error(
      `no price for model "${model}" in the configuration: its spend cannot be bounded`,
    );
  const transcript = await openTranscript(
    options.transcriptPath,
    createRedactor([options.apiKey, ...(options.secrets ?? [])]),
  );
  await transcript.write({ type: 'session', role, model, at: new Date().toISOString() });
  const sandbox = await sandboxReady;
  return {
    root,
    prompt,
    model,
    price,
    budget,
    transcript,
    sandbox,
    startedAt,
    wallMs: budget.wallClockMinutes * 60_000,
  };
}

/** The role's tools, wired to the session's workspace, sandbox, clock and state. */
export function createSessionTools(
  options: RunAgentOptions,
  session: PreparedSession,
  state: SessionState,
  signal: AbortSignal,
): BetaRunnableTool[] {
  const { config } = options;
  const files = { root: session.root, isProtected: createProtectedMatcher(config.protectedPaths) };
  const run = {
    workspace: session.root,
    allowlist: config.commands.allowlist,
    timeoutMs: config.commands.timeoutSeconds * 1000,
    maxOutputChars: config.commands.maxOutputBytes,
    sandbox: session.sandbox,
    remainingMs: () => session.wallMs - (Date.now() - session.startedAt),
    signal,
    onRun: (command: CommandRun) => {
      state.commands.push(command);
      state.ledger.set(command.command, command.timedOut ? null : command.exitCode);
    },
  };
  return createRoleTools(
    options.role,
    { files, run, submission: state.submission },
    session.prompt.tools,
  );
}

/**
 * The SDK backs off 0.5 s, 1 s, 2 s, 4 s, then 8 s per retry (or as `retry-after` says): six
 * retries ride out about 25 s of overload before the session reports `model-unavailable`.
 */
const DEFAULT_MAX_RETRIES = 6;

const isTransient = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** What the session does as the client's attempts go wrong. */
export interface AttemptHooks {
  /** The session's own abort (its wall clock, its budget): what it causes is not transient. */
  readonly signal: AbortSignal;
  /** After a request got no answer and was charged at its bound, before the SDK retries it. */
  readonly afterNoAnswer: () => void;
}

/**
 * An SDK client whose every attempt is written to the transcript and counted when transient, and
 * charged at its bound when it got no answer.
 */
export function createModelClient(
  options: RunAgentOptions,
  transcript: Transcript,
  state: SessionState,
  hooks: AttemptHooks,
): Anthropic {
  const recordingFetch = createRecordingFetch(transcript, fetch, {
    onStatus: (status) => {
      if (isTransient(status)) state.transientErrors++;
    },
    onNoAnswer: (bound) => {
      if (!hooks.signal.aborted) state.transientErrors++;
      if (bound !== undefined)
        state.unanswered = addUsage(state.unanswered, fromApiUsage(bound.usage));
      hooks.afterNoAnswer();
    },
  });
  return new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch: recordingFetch,
  });
}

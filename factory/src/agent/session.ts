/**
 * One agent session (design §5): a fresh conversation over the SDK's beta tool runner with
 * `thread: false` (every request carries the whole history, so any proxy or the twin can serve
 * it), typed submit tools, budgets checked before every model call, and a redacted transcript.
 *
 * The runner yields each reply before it runs that reply's tools. The loop body runs the tools
 * itself (`generateToolResponse`, whose result the runner reuses), then decides whether another
 * model call may happen: a submission ends the session, and the budget is checked against the
 * most the next call could cost. So the runner drives the conversation and this loop holds the
 * brakes; no hand-written request loop is needed.
 */
import Anthropic from '@anthropic-ai/sdk';
import { realpath } from 'node:fs/promises';
import { budgetFor, type FactoryConfig, type Role, type StageBudget } from '../core/config.ts';
import {
  buildSessionPrompt,
  type BuildSessionPromptInput,
  type SessionPrompt,
  type SessionTask,
} from './context/index.ts';
import {
  addUsage,
  checkBudget,
  costOf,
  fromApiUsage,
  NO_USAGE,
  projectNextCall,
  type BudgetVerdict,
  type SharedCeilings,
  type TokenUsage,
} from './budget.ts';
import { classifyModelError } from './model-errors.ts';
import type { AgentOutcome, StopReason } from './outcome.ts';
import { createRedactor } from './redact.ts';
import { probeSandbox, type SandboxStatus } from './sandbox.ts';
import { createRoleTools, type CommandRun, type SubmissionRecord } from './tools/index.ts';
import { createRecordingFetch, openTranscript, type Transcript } from './transcript.ts';
import { createProtectedMatcher } from './workspace-paths.ts';

/** Builds the first prompt; the context module's `buildSessionPrompt` unless a test swaps it. */
export type PromptBuilder = (input: BuildSessionPromptInput) => Promise<SessionPrompt>;

export interface RunAgentOptions {
  readonly role: Role;
  /** The checkout the agent reads and (implementer) writes; nothing outside it is reachable. */
  readonly workspace: string;
  readonly task: SessionTask;
  readonly config: FactoryConfig;
  /** Defaults to the role's budget from `config`. */
  readonly budget?: StageBudget;
  /** What this PR and today have already spent, so the session stays under those ceilings too. */
  readonly shared?: SharedCeilings;
  readonly apiKey: string;
  /** The twin's model server in tests and rehearsals; the real API when absent. */
  readonly baseURL?: string;
  /** SDK retries for 429/529/5xx and connection errors (default 4), with its backoff. */
  readonly maxRetries?: number;
  /** Where the JSONL transcript goes; keep it outside the workspace. */
  readonly transcriptPath: string;
  /** Further secret values to redact from the transcript (the GitHub token, …). */
  readonly secrets?: readonly string[];
  /** Where role files and the constitution are read from (default: the workspace). */
  readonly floor?: string;
  readonly buildPrompt?: PromptBuilder;
  /** Rejected submissions tolerated before the session stops with `invalid-output` (default 3). */
  readonly maxRejectedSubmissions?: number;
  /** Overrides the sandbox probe (tests use it to play a host without bwrap). */
  readonly sandbox?: SandboxStatus;
  /** Where loud warnings go (an unusable sandbox); stderr by default. */
  readonly onWarning?: (message: string) => void;
}

interface SessionState {
  turns: number;
  usage: TokenUsage;
  last: TokenUsage | undefined;
  transientErrors: number;
  readonly commands: CommandRun[];
  readonly submission: SubmissionRecord;
}

const RETRYABLE_STATUS = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;

function warnToStderr(message: string): void {
  process.stderr.write(`factory agent: ${message}\n`);
}

async function sandboxFor(options: RunAgentOptions): Promise<SandboxStatus> {
  if (options.role !== 'implementer')
    return { usable: false, reason: 'not needed: this role cannot run commands' };
  const status = options.sandbox ?? (await probeSandbox());
  if (!status.usable) {
    (options.onWarning ?? warnToStderr)(
      `SANDBOX UNAVAILABLE, the run tool is disabled for this session: ${status.reason}`,
    );
  }
  return status;
}

/** Runs one fresh session of `role` on `task` and returns what happened, as data. */
export async function runAgent(options: RunAgentOptions): Promise<AgentOutcome> {
  const started = Date.now();
  const { role, config } = options;
  const budget = options.budget ?? budgetFor(config, role);
  const root = await realpath(options.workspace);
  const prompt = await (options.buildPrompt ?? buildSessionPrompt)({
    workspace: root,
    role,
    task: options.task,
    ...(options.floor === undefined ? {} : { floor: options.floor }),
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
  const sandbox = await sandboxFor(options);
  const wallMs = budget.wallClockMinutes * 60_000;
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, wallMs);
  timer.unref();

  const state: SessionState = {
    turns: 0,
    usage: NO_USAGE,
    last: undefined,
    transientErrors: 0,
    commands: [],
    submission: { accepted: undefined, rejections: [], ledger: new Map() },
  };
  const ledger = state.submission.ledger as Map<string, number | null>;
  const tools = createRoleTools(
    role,
    {
      files: { root, isProtected: createProtectedMatcher(config.protectedPaths) },
      run: {
        workspace: root,
        allowlist: config.commands.allowlist,
        timeoutMs: config.commands.timeoutSeconds * 1000,
        maxOutputChars: config.commands.maxOutputBytes,
        sandbox,
        remainingMs: () => wallMs - (Date.now() - started),
        signal: controller.signal,
        onRun: (run) => {
          state.commands.push(run);
          ledger.set(run.command, run.timedOut ? null : run.exitCode);
        },
      },
      submission: state.submission,
    },
    prompt.tools,
  );
  const recordingFetch = createRecordingFetch(transcript, fetch, (status) => {
    if (RETRYABLE_STATUS(status)) state.transientErrors++;
  });
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    maxRetries: options.maxRetries ?? 4,
    fetch: recordingFetch,
  });
  const firstPromptTokens = Math.ceil(
    JSON.stringify({ s: prompt.system, u: prompt.user, t: tools }).length / 4,
  );

  const finish = async (stopReason: StopReason, detail: string): Promise<AgentOutcome> => {
    clearTimeout(timer);
    const outcome: AgentOutcome = {
      role,
      stopReason,
      detail,
      submission: stopReason === 'submitted' ? state.submission.accepted : undefined,
      model,
      usage: state.usage,
      dollars: costOf(state.usage, price),
      turns: state.turns,
      transientErrors: state.transientErrors,
      wallMs: Date.now() - started,
      commands: state.commands,
      rejectedSubmissions: state.submission.rejections,
      sandboxProblem: role === 'implementer' && !sandbox.usable ? sandbox.reason : undefined,
      transcriptPath: transcript.path,
    };
    await transcript.write({ type: 'outcome', at: new Date().toISOString(), outcome });
    return outcome;
  };

  const nextCallFits = (): BudgetVerdict => {
    const next = projectNextCall(state.last, firstPromptTokens, budget.maxOutputTokensPerTurn);
    const spent = {
      turns: state.turns,
      usage: state.usage,
      dollars: costOf(state.usage, price),
      elapsedMs: Date.now() - started,
    };
    return checkBudget(
      budget,
      spent,
      { usage: next, dollars: costOf(next, price) },
      options.shared,
    );
  };

  const before = nextCallFits();
  if (!before.ok) return finish('budget-spent', `${before.limit}: ${before.reason}`);
  const runner = client.beta.messages.toolRunner(
    {
      model,
      max_tokens: budget.maxOutputTokensPerTurn,
      thread: false,
      system: [...prompt.system],
      messages: [{ role: 'user', content: prompt.user }],
      tools,
      // Automatic breakpoint on the newest block: every turn reads the conversation so far from
      // the cache (the system prompt carries its own breakpoint at the end of its stable part).
      cache_control: { type: 'ephemeral' },
    },
    { signal: controller.signal },
  );
  const maxRejected = options.maxRejectedSubmissions ?? 3;
  try {
    for await (const message of runner) {
      state.turns++;
      state.last = fromApiUsage(message.usage);
      state.usage = addUsage(state.usage, state.last);
      await runner.generateToolResponse();
      if (state.submission.accepted)
        return await finish('submitted', `submitted after ${String(state.turns)} turns`);
      if (state.submission.rejections.length >= maxRejected) {
        return await finish(
          'invalid-output',
          `${String(maxRejected)} submissions rejected; last: ${state.submission.rejections.at(-1) ?? ''}`,
        );
      }
      const verdict = nextCallFits();
      if (!verdict.ok) return await finish('budget-spent', `${verdict.limit}: ${verdict.reason}`);
    }
    return await (state.submission.rejections.length > 0
      ? finish(
          'invalid-output',
          `ended without a valid submission; last rejection: ${state.submission.rejections.at(-1) ?? ''}`,
        )
      : finish('no-submission', 'the model ended its turn without calling its submit tool'));
  } catch (error) {
    if (controller.signal.aborted)
      return finish('budget-spent', `wall-clock: ${String(budget.wallClockMinutes)} min used`);
    const classified = classifyModelError(error);
    if (!classified) throw error;
    return finish(classified.stopReason, classified.detail);
  }
}

export type { Transcript };

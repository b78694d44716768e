/**
 * One agent session (design §5): a fresh conversation over the SDK's beta tool runner with
 * `thread: false` (every request carries the whole history, so any proxy or the twin can serve
 * it), typed submit tools, budgets checked before every model call, and a redacted transcript.
 *
 * The runner yields each reply before it runs that reply's tools. The loop body runs the tools
 * itself (`generateToolResponse`, whose result the runner then reuses) and decides whether another
 * model call may happen: a submission ends the session, and the budget is checked against the
 * most the next call could cost. So the runner drives the conversation and this loop holds the
 * brakes; no hand-written request loop is needed.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import {
  addUsage,
  checkBudget,
  estimateTokens,
  costOf,
  fromApiUsage,
  projectNextCall,
  type BudgetVerdict,
} from './budget.ts';
import { classifyModelError } from './model-errors.ts';
import type { AgentOutcome, StopReason } from './outcome.ts';
import {
  createModelClient,
  createSessionState,
  createSessionTools,
  prepareSession,
  type PreparedSession,
  type SessionState,
} from './session-setup.ts';
import type { RunAgentOptions } from './session-options.ts';

export type { PromptBuilder, RunAgentOptions } from './session-options.ts';

const DEFAULT_MAX_REJECTED_SUBMISSIONS = 3;

interface Ending {
  readonly stopReason: StopReason;
  readonly detail: string;
}

function outcomeOf(
  options: RunAgentOptions,
  session: PreparedSession,
  state: SessionState,
  ending: Ending,
): AgentOutcome {
  const { stopReason, detail } = ending;
  return {
    role: options.role,
    stopReason,
    detail,
    submission: stopReason === 'submitted' ? state.submission.accepted : undefined,
    model: session.model,
    usage: state.usage,
    dollars: dollarsSpent(session, state),
    turns: state.turns,
    transientErrors: state.transientErrors,
    wallMs: Date.now() - session.startedAt,
    commands: state.commands,
    rejectedSubmissions: state.submission.rejections,
    sandboxProblem:
      options.role === 'implementer' && !session.sandbox.usable
        ? session.sandbox.reason
        : undefined,
    transcriptPath: session.transcript.path,
  };
}

/** What the answers cost, and the attempts that got none at the most they could. */
function dollarsSpent(session: PreparedSession, state: SessionState): number {
  return costOf(state.usage, session.price) + costOf(state.unanswered, session.price);
}

/** Whether one more model call fits the budget, at the most it could cost. */
function nextCallFits(
  options: RunAgentOptions,
  session: PreparedSession,
  state: SessionState,
  firstPromptTokens: number,
): BudgetVerdict {
  const next = projectNextCall(
    state.last,
    firstPromptTokens,
    session.budget.maxOutputTokensPerTurn,
    state.toolResultTokens,
  );
  const spent = {
    turns: state.turns,
    usage: state.usage,
    dollars: dollarsSpent(session, state),
    elapsedMs: Date.now() - session.startedAt,
  };
  return checkBudget(
    session.budget,
    spent,
    { usage: next, dollars: costOf(next, session.price) },
    options.shared,
  );
}

/** After a reply and its tools: how the session ends now, if it does. */
function endingAfterTurn(
  state: SessionState,
  maxRejected: number,
  fits: () => BudgetVerdict,
): Ending | undefined {
  if (state.submission.accepted)
    return { stopReason: 'submitted', detail: `submitted after ${String(state.turns)} turns` };
  const rejections = state.submission.rejections;
  if (rejections.length >= maxRejected) {
    return {
      stopReason: 'invalid-output',
      detail: `${String(rejections.length)} submissions rejected; last: ${rejections.at(-1) ?? ''}`,
    };
  }
  const verdict = fits();
  return verdict.ok
    ? undefined
    : { stopReason: 'budget-spent', detail: `${verdict.limit}: ${verdict.reason}` };
}

function endingWithoutSubmission(state: SessionState): Ending {
  const last = state.submission.rejections.at(-1);
  return last === undefined
    ? {
        stopReason: 'no-submission',
        detail: 'the model ended its turn without calling its submit tool',
      }
    : {
        stopReason: 'invalid-output',
        detail: `ended without a valid submission; last rejection: ${last}`,
      };
}

/** Plays the conversation until a submission, a ceiling, or the model's own end. */
async function converse(
  client: Anthropic,
  tools: BetaRunnableTool[],
  session: PreparedSession,
  state: SessionState,
  fits: () => BudgetVerdict,
  maxRejected: number,
  signal: AbortSignal,
): Promise<Ending> {
  const runner = client.beta.messages.toolRunner(
    {
      model: session.model,
      max_tokens: session.budget.maxOutputTokensPerTurn,
      thread: false,
      system: [...session.prompt.system],
      messages: [{ role: 'user', content: session.prompt.user }],
      tools,
      // The automatic breakpoint on the newest block: every turn reads the conversation so far
      // from the cache. The system prompt carries its own at the end of its stable part.
      cache_control: { type: 'ephemeral' },
    },
    { signal },
  );
  for await (const message of runner) {
    state.turns++;
    state.last = fromApiUsage(message.usage);
    state.usage = addUsage(state.usage, state.last);
    const results = await runner.generateToolResponse();
    state.toolResultTokens = results === null ? 0 : estimateTokens(results.content);
    const ending = endingAfterTurn(state, maxRejected, fits);
    if (ending) return ending;
  }
  return endingWithoutSubmission(state);
}

/** Why the session aborted its own request: a ceiling reached between retries, else its clock. */
class BudgetReached extends Error {
  constructor(verdict: Extract<BudgetVerdict, { ok: false }>) {
    super(`${verdict.limit}: ${verdict.reason}`);
  }
}

function abortedBy(reason: unknown, session: PreparedSession): Ending {
  const wallClock = `wall-clock: ${String(session.budget.wallClockMinutes)} min used`;
  return {
    stopReason: 'budget-spent',
    detail: reason instanceof BudgetReached ? reason.message : wallClock,
  };
}

/** Runs one fresh session of `role` on `task` and returns what happened, as data. */
export async function runAgent(options: RunAgentOptions): Promise<AgentOutcome> {
  const session = await prepareSession(options);
  const state = createSessionState();
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, session.wallMs);
  timer.unref();
  const tools = createSessionTools(options, session, state, controller.signal);
  const { system, user } = session.prompt;
  const firstPromptTokens = estimateTokens({ system, user, tools });
  const fits = (): BudgetVerdict => nextCallFits(options, session, state, firstPromptTokens);
  const client = createModelClient(options, session.transcript, state, {
    signal: controller.signal,
    // The SDK retries a request that got no answer without a turn's budget check; each such
    // attempt is charged at its bound, so the budget is asked again before the retry.
    afterNoAnswer: () => {
      const verdict = fits();
      if (!verdict.ok) controller.abort(new BudgetReached(verdict));
    },
  });
  const maxRejected = options.maxRejectedSubmissions ?? DEFAULT_MAX_REJECTED_SUBMISSIONS;
  let ending: Ending;
  try {
    const before = fits();
    ending = before.ok
      ? await converse(client, tools, session, state, fits, maxRejected, controller.signal)
      : { stopReason: 'budget-spent', detail: `${before.limit}: ${before.reason}` };
  } catch (error) {
    const classified = controller.signal.aborted
      ? abortedBy(controller.signal.reason, session)
      : classifyModelError(error);
    if (!classified) throw error;
    ending = classified;
  } finally {
    clearTimeout(timer);
  }
  const outcome = outcomeOf(options, session, state, ending);
  await session.transcript.write({ type: 'outcome', at: new Date().toISOString(), outcome });
  return outcome;
}

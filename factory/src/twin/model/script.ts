/**
 * Scripts for the twin's model server: per role, the assistant turns to play in order, each
 * optionally guarded by a matcher on what the factory sent, so a test can react to tool results.
 */
import {
  lastToolResults,
  blockText,
  systemText,
  userText,
  type MessagesRequest,
} from './request.ts';

/** Failures the server answers with on cue, in the API's own status codes and error shapes. */
export const MODEL_FAULTS = ['rate-limit', 'overloaded', 'server-error', 'spend-limit'] as const;
export type ModelFault = (typeof MODEL_FAULTS)[number];

export interface ScriptedToolCall {
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** An assistant turn: optional text, then tool calls; `stop_reason` follows from the calls. */
export interface ScriptedTurn {
  readonly text?: string;
  readonly toolCalls?: readonly ScriptedToolCall[];
  readonly stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal';
}

export interface ScriptedFault {
  readonly fault: ModelFault;
  /**
   * Sent as `retry-after` (whole seconds, as the API does) and `retry-after-ms`, which the SDK
   * prefers; 1 ms by default so retries in tests are instant.
   */
  readonly retryAfterMs?: number;
}

export type ScriptedReply = ScriptedTurn | ScriptedFault;

/** Conditions on a request; every condition given must hold. */
export interface RequestMatcher {
  /** Some `tool_result` of the latest user message contains this text. */
  readonly lastToolResultIncludes?: string;
  /** Some `tool_result` of the latest user message is (or is not) an error. */
  readonly lastToolResultIsError?: boolean;
  readonly systemIncludes?: string;
  /** Text anywhere on the user side: the task or any tool result. */
  readonly userIncludes?: string;
  /** The request offers a tool of this name. */
  readonly offersTool?: string;
  readonly test?: (request: MessagesRequest) => boolean;
}

export interface ScriptStep {
  readonly when?: RequestMatcher;
  readonly reply: ScriptedReply | ((request: MessagesRequest) => ScriptedReply);
  /** Played when `when` does not hold; without it a mismatch is a loud 400 and is recorded. */
  readonly otherwise?: ScriptedReply;
}

/** Steps per role name (`planner`, `plan-reviewer`, `implementer`, `code-reviewer`, or any key). */
export type ModelScript = Readonly<Record<string, readonly ScriptStep[]>>;

export function isFault(reply: ScriptedReply): reply is ScriptedFault {
  return 'fault' in reply;
}

/** Whether `request` satisfies every condition of `matcher`. */
export function matchesRequest(matcher: RequestMatcher, request: MessagesRequest): boolean {
  const results = lastToolResults(request);
  const checks: (() => boolean)[] = [];
  const { lastToolResultIncludes: needle, lastToolResultIsError: isError } = matcher;
  if (needle !== undefined)
    checks.push(() => results.some((block) => blockText(block).includes(needle)));
  if (isError !== undefined)
    checks.push(() => results.some((block) => (block.is_error === true) === isError));
  if (matcher.systemIncludes !== undefined) {
    const text = matcher.systemIncludes;
    checks.push(() => systemText(request).includes(text));
  }
  if (matcher.userIncludes !== undefined) {
    const text = matcher.userIncludes;
    checks.push(() => userText(request).includes(text));
  }
  if (matcher.offersTool !== undefined) {
    const name = matcher.offersTool;
    checks.push(() => (request.tools ?? []).some((tool) => tool.name === name));
  }
  if (matcher.test) checks.push(matcher.test.bind(undefined, request));
  return checks.every((check) => check());
}

export type StepChoice = { readonly reply: ScriptedReply } | { readonly mismatch: string };

/** Plays a script: one cursor per role, advanced by every request that role makes. */
export function createScriptPlayer(script: ModelScript): {
  next(role: string, request: MessagesRequest): StepChoice;
} {
  const cursors = new Map<string, number>();
  return {
    next(role, request) {
      const steps = script[role];
      if (!steps) return { mismatch: `no script for role "${role}"` };
      const index = cursors.get(role) ?? 0;
      const step = steps[index];
      if (!step) return { mismatch: `the script for role "${role}" has no step ${index + 1}` };
      cursors.set(role, index + 1);
      if (step.when && !matchesRequest(step.when, request)) {
        return step.otherwise
          ? { reply: step.otherwise }
          : { mismatch: `step ${index + 1} of role "${role}" does not match the request` };
      }
      return { reply: typeof step.reply === 'function' ? step.reply(request) : step.reply };
    },
  };
}

/**
 * What the twin's model server sends back: messages in the full shape the SDK reads, and errors
 * in the API's shape (`{ type: 'error', error: { type, message }, request_id }`).
 */
import { estimateTokens, type CacheUsage } from './cache.ts';
import type { ModelFault, ScriptedTurn } from './script.ts';

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

const FAULT_REPLIES: Record<
  ModelFault,
  { status: number; type: string; message: (now: Date) => string }
> = {
  'rate-limit': {
    status: 429,
    type: 'rate_limit_error',
    message: () => "This request would exceed your account's rate limit. Please try again later.",
  },
  overloaded: { status: 529, type: 'overloaded_error', message: () => 'Overloaded' },
  'server-error': { status: 500, type: 'api_error', message: () => 'Internal server error' },
  // The API answers a reached workspace or organisation spend limit with a 400 (not a 429): it is
  // not retryable, and only its message tells it apart from a malformed request.
  'spend-limit': {
    status: 400,
    type: 'invalid_request_error',
    message: (now) =>
      `You have reached your specified API usage limits. You will regain access on ${firstOfNextMonth(now)} at 00:00 UTC.`,
  },
};

function firstOfNextMonth(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
    .toISOString()
    .slice(0, 10);
}

/** An error reply exactly as the API shapes it. */
export function errorReply(
  status: number,
  type: string,
  message: string,
  requestId: string,
  headers = {},
): HttpReply {
  return {
    status,
    headers,
    body: { type: 'error', error: { type, message }, request_id: requestId },
  };
}

/** The reply for a scripted fault, with `retry-after` on the retryable ones. */
export function faultReply(fault: ModelFault, retryAfterMs: number, requestId: string): HttpReply {
  const { status, type, message } = FAULT_REPLIES[fault];
  const wait = {
    'retry-after': String(Math.ceil(retryAfterMs / 1000)),
    'retry-after-ms': String(retryAfterMs),
  };
  const headers = fault === 'spend-limit' ? {} : wait;
  return errorReply(status, type, message(new Date()), requestId, headers);
}

/** A message reply for a scripted turn; tool-call ids are unique per server. */
export function messageReply(
  turn: ScriptedTurn,
  ids: { message: string; toolUse: () => string },
  model: string,
  usage: CacheUsage,
): HttpReply {
  const content = [
    ...(turn.text === undefined ? [] : [{ type: 'text', text: turn.text }]),
    ...(turn.toolCalls ?? []).map((call) => ({
      type: 'tool_use',
      id: ids.toolUse(),
      name: call.name,
      input: call.input,
    })),
  ];
  const stopReason = turn.stopReason ?? (turn.toolCalls?.length ? 'tool_use' : 'end_turn');
  const body = {
    id: ids.message,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { ...usage, output_tokens: Math.max(1, estimateTokens(JSON.stringify(content))) },
  };
  return { status: 200, headers: {}, body };
}

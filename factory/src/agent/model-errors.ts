/**
 * How a failed model call ends a session. The SDK has already retried 429, 529, 5xx and
 * connection errors with backoff by the time an error reaches here, so what remains is either a
 * reached spend limit (stop at once: retrying cannot help and a person must act) or an API that
 * stays unavailable.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { StopReason } from './outcome.ts';

/**
 * The API reports a reached workspace or organisation spend limit, or an exhausted credit balance,
 * as a 400 `invalid_request_error`; only the message tells it apart from a malformed request.
 */
const SPEND_LIMIT_MESSAGE =
  /reached your specified (?:workspace )?API usage limits|credit balance is too low|spend limit/i;

export interface ClassifiedError {
  readonly stopReason: Extract<StopReason, 'spend-limit' | 'model-unavailable'>;
  readonly detail: string;
}

/** The stop reason for an error thrown by the SDK, or undefined when it is not the API's. */
export function classifyModelError(error: unknown): ClassifiedError | undefined {
  if (error instanceof Anthropic.APIConnectionError) {
    return {
      stopReason: 'model-unavailable',
      detail: `cannot reach the model API: ${error.message}`,
    };
  }
  if (!(error instanceof Anthropic.APIError)) return undefined;
  if ((error.status === 400 || error.status === 402) && SPEND_LIMIT_MESSAGE.test(error.message)) {
    return {
      stopReason: 'spend-limit',
      detail: `the model API refused for spend: ${error.message}`,
    };
  }
  return {
    stopReason: 'model-unavailable',
    detail: `the model API failed (${String(error.status)}): ${error.message}`,
  };
}

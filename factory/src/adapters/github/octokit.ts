/**
 * The one place an Octokit is built: the REST client with GitHub's retry and throttling
 * plugins. Server errors are retried with growing back-off; 429s and secondary rate limits wait
 * as long as GitHub's `retry-after` (or rate-limit reset) says, a bounded number of times.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** Where the client's messages go. Only text is ever passed on: never a request object. */
export interface GitHubLog {
  readonly debug: (message: string) => void;
  readonly info: (message: string) => void;
  readonly warn: (message: string) => void;
  readonly error: (message: string) => void;
}

export interface RetryPolicy {
  /** Retries of one request after its first try (default 3). */
  readonly maxRetries: number;
  /**
   * Milliseconds per second of back-off or `retry-after`: 1000 against GitHub, a few against the
   * twin so tests stay fast while still following the same schedule.
   */
  readonly msPerSecond: number;
  /** The longest wait worth sitting out; a longer one fails the call and the watchdog retries. */
  readonly maxWaitSeconds: number;
  /**
   * Space writes a second apart (and notifying writes three), as GitHub asks of integrations.
   * Off against the twin, where it would only slow the line down.
   */
  readonly spaceWrites: boolean;
}

export interface CreateOctokitOptions {
  readonly token: string;
  /** `https://api.github.com`, `GITHUB_API_URL` on Enterprise, or the twin forge's loopback URL. */
  readonly baseUrl: string;
  readonly userAgent?: string;
  /** Default: warnings and errors to the console, nothing else. */
  readonly log?: GitHubLog;
  readonly retry?: Partial<RetryPolicy>;
  /** The `fetch` requests go out through (default: the global one). */
  readonly fetch?: typeof fetch;
}

const FactoryOctokit = Octokit.plugin(retry, throttling);
export type FactoryOctokit = InstanceType<typeof FactoryOctokit>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 3,
  msPerSecond: 1000,
  maxWaitSeconds: 120,
  spaceWrites: true,
};

/**
 * Statuses the retry plugin must pass through untouched. Its option *replaces* the library's
 * default list, so that list is repeated here (a lost 404 is retried for 22 s). 405 and 409 are
 * the merge's answers, final by nature; 429 belongs to the throttling plugin, which waits as long
 * as GitHub says instead of a fixed back-off.
 */
const LIBRARY_DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 451];
export const DO_NOT_RETRY: readonly number[] = [...LIBRARY_DO_NOT_RETRY, 405, 409, 429];

/** The policy each client was built with (see `retryPolicyOf`). */
const POLICIES = new WeakMap<object, RetryPolicy>();

/**
 * The retry policy `octokit` was built with: the adapter's own waits (a dispatch looked for after
 * a lost answer) keep the client's pace, seconds against GitHub and milliseconds against the twin.
 */
export function retryPolicyOf(octokit: object): RetryPolicy {
  return POLICIES.get(octokit) ?? DEFAULT_RETRY_POLICY;
}

/** Builds the factory's Octokit for `token` against `baseUrl`. */
export function createOctokit(options: CreateOctokitOptions): FactoryOctokit {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const log = options.log ?? CONSOLE_LOG;
  const octokit = new FactoryOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: options.userAgent ?? 'factory-line',
    log: textOnly(log),
    retry: {
      doNotRetry: [...DO_NOT_RETRY],
      retries: policy.maxRetries,
      retryAfterBaseValue: policy.msPerSecond,
    },
    throttle: throttleOptions(policy, log),
    ...(options.fetch === undefined ? {} : { request: { fetch: options.fetch } }),
  });
  POLICIES.set(octokit, policy);
  return octokit;
}

function throttleOptions(policy: RetryPolicy, log: GitHubLog): ThrottlingOptions {
  const decide =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _: unknown, count: number) => {
      const retrying = count < policy.maxRetries && retryAfter <= policy.maxWaitSeconds;
      const what = `${request.method} ${request.url} hit ${kind}`;
      log.warn(retrying ? `${what}; retrying after ${String(retryAfter)} s` : `${what}; giving up`);
      return retrying;
    };
  return {
    retryAfterBaseValue: policy.msPerSecond,
    fallbackSecondaryRateRetryAfter: 60,
    onRateLimit: decide('the rate limit'),
    onSecondaryRateLimit: decide('a secondary rate limit'),
    ...(policy.spaceWrites ? {} : { write: PASS_THROUGH, notifications: PASS_THROUGH }),
  };
}

/**
 * A stand-in for the plugin's Bottleneck groups that runs every job at once. The plugin only ever
 * calls `group.key(id).schedule(options, task, ...args)`.
 */
const PASS_THROUGH = {
  key: () => ({
    schedule: (_options: unknown, task: (...args: unknown[]) => unknown, ...args: unknown[]) =>
      Promise.resolve(task(...args)),
  }),
} as unknown as NonNullable<ThrottlingOptions['write']>;

const CONSOLE_LOG: GitHubLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => {
    console.warn(message);
  },
  error: (message) => {
    console.error(message);
  },
};

/**
 * Octokit's request log hands `debug` the whole request, headers and token included. Passing on
 * only the text keeps the token out of every log, whichever logger is plugged in.
 */
function textOnly(log: GitHubLog): Record<keyof GitHubLog, (message: unknown) => void> {
  const only = (write: (message: string) => void) => (message: unknown) => {
    write(typeof message === 'string' ? message : '(non-text log entry withheld)');
  };
  return {
    debug: only(log.debug),
    info: only(log.info),
    warn: only(log.warn),
    error: only(log.error),
  };
}

/**
 * The real `@octokit/rest` with the retry and throttling plugins, pointed at a forge, with every
 * JSON response (errors included, where GitHub documents them) checked against the OpenAPI schema.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { ResponseValidator } from './openapi.ts';

const RetryingOctokit = Octokit.plugin(retry, throttling);
export type TestOctokit = InstanceType<typeof RetryingOctokit>;

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * The throttling plugin spaces writes 1 s apart and notifications 3 s apart; against a loopback
 * twin that only slows tests, so those two limiters are replaced with pass-through ones.
 */
const passThrough = {
  key: () => ({
    schedule: <T>(_options: unknown, task: (...args: unknown[]) => T, ...args: unknown[]) =>
      task(...args),
  }),
};

/** `doNotRetry` replaces the default list (toolchain.md), so it repeats the defaults and adds 405/409. */
const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 422, 451];

export function createTestOctokit(
  apiUrl: string,
  token: string,
  validator?: ResponseValidator,
): TestOctokit {
  const octokit = new RetryingOctokit({
    auth: token,
    baseUrl: apiUrl,
    log: silent,
    retry: { doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: 5 },
    throttle: {
      onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 4,
      onSecondaryRateLimit: (
        _after: number,
        _options: unknown,
        _octokit: unknown,
        retryCount: number,
      ) => retryCount < 4,
      retryAfterBaseValue: 5,
      write: passThrough as never,
      notifications: passThrough as never,
    },
  });
  if (validator !== undefined) {
    octokit.hook.after('request', (response, options) => {
      if (options.url === '/graphql' || response.status === 204) return;
      validator.assertResponse(options.method, options.url, response.status, response.data);
    });
    octokit.hook.error('request', (error, options) => {
      const failure = error as { status?: number; response?: { data?: unknown } };
      if (
        failure.status !== undefined &&
        failure.response?.data !== undefined &&
        options.url !== '/graphql'
      ) {
        validator.assertResponse(
          options.method,
          options.url,
          failure.status,
          failure.response.data,
        );
      }
      throw error;
    });
  }
  return octokit;
}

/**
 * The adapter's one error type. Answers a verb expects (a 404 on a read, a 409 on a merge) are
 * results, handled where they happen; everything else becomes a `GitHubError` that names the verb
 * and carries GitHub's own words, and nothing of the request (so never the token).
 */

export class GitHubError extends Error {
  override readonly name = 'GitHubError';
  /** The domain verb that failed, e.g. `setState`. */
  readonly verb: string;
  /** GitHub's HTTP status, when it answered at all. */
  readonly status: number | undefined;

  constructor(verb: string, status: number | undefined, githubMessage: string) {
    const code = status === undefined ? '' : ` (${String(status)})`;
    super(`GitHub ${verb} failed${code}: ${githubMessage}`);
    this.verb = verb;
    this.status = status;
  }
}

interface RequestFailure {
  readonly status?: unknown;
  readonly message?: unknown;
  readonly response?: { readonly data?: unknown };
}

/** The HTTP status of an Octokit request error, or `undefined` for anything else. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status } = error as RequestFailure;
  return typeof status === 'number' ? status : undefined;
}

/** GitHub's message for a failed request: its `message` plus any detail in `errors`. */
export function githubMessageOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const failure = error as RequestFailure;
  const data = failure.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const message =
    typeof data?.message === 'string'
      ? data.message
      : typeof failure.message === 'string'
        ? failure.message
        : 'unknown error';
  const details = Array.isArray(data?.errors) ? data.errors.map(describeDetail) : [];
  return details.length === 0 ? message : `${message}: ${details.join('; ')}`;
}

function describeDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  const { message, field, code } = (detail ?? {}) as Record<string, unknown>;
  if (typeof message === 'string') return message;
  return [field, code].filter((part) => typeof part === 'string').join(' ');
}

/**
 * A 5xx (or a dropped connection, which Octokit reports as a 500) says nothing of whether GitHub
 * ran the request: its front end may time out on a request its back end finished (ADR 0008).
 */
export function outcomeUnknown(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && status >= 500;
}

/** Runs one request of `verb`, turning any failure into a `GitHubError`. */
export async function callGitHub<T>(verb: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GitHubError) throw error;
    throw new GitHubError(verb, statusOf(error), githubMessageOf(error));
  }
}

/** A `.catch` handler that turns one expected status into a value and rethrows the rest. */
export function whenStatus<T>(status: number, value: T): (error: unknown) => T {
  return (error) => {
    if (statusOf(error) === status) return value;
    throw error;
  };
}

/**
 * GraphQL refuses with HTTP 200 and an `errors` list, each naming its `type` (`NOT_FOUND`,
 * `FORBIDDEN`, ...) beside the message. Octokit throws them as a `GraphqlResponseError`, recognised
 * here by shape: the class lives in `@octokit/graphql`, which is Octokit's dependency, not ours.
 */
export interface GraphqlErrorEntry {
  readonly type: string | undefined;
  readonly message: string;
  /** The aliased field the error belongs to, first. */
  readonly path: readonly (string | number)[] | undefined;
}

/** The errors of a GraphQL refusal, or `undefined` when `error` is something else. */
export function graphqlErrorsOf(error: unknown): GraphqlErrorEntry[] | undefined {
  if (!(error instanceof Error) || error.name !== 'GraphqlResponseError') return undefined;
  const { errors } = error as Error & { errors?: unknown };
  if (!Array.isArray(errors)) return [{ type: undefined, message: error.message, path: undefined }];
  return errors.map((entry: unknown) => {
    const { type, message, path } = (entry ?? {}) as {
      type?: unknown;
      message?: unknown;
      path?: unknown;
    };
    return {
      type: typeof type === 'string' ? type : undefined,
      message: typeof message === 'string' ? message : String(entry),
      path: Array.isArray(path) ? (path as (string | number)[]) : undefined,
    };
  });
}

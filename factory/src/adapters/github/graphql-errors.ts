/**
 * GraphQL refuses with HTTP 200 and an `errors` list, each naming its `type` (`NOT_FOUND`,
 * `FORBIDDEN`, ...) beside the message. Octokit throws them as a `GraphqlResponseError`, recognised
 * here by shape: the class lives in `@octokit/graphql`, which is Octokit's dependency, not ours.
 */
export interface GraphqlErrorEntry {
  readonly type: string | undefined;
  readonly message: string;
}

/** The errors of a GraphQL refusal, or `undefined` when `error` is something else. */
export function graphqlErrorsOf(error: unknown): GraphqlErrorEntry[] | undefined {
  if (!(error instanceof Error) || error.name !== 'GraphqlResponseError') return undefined;
  const { errors } = error as Error & { errors?: unknown };
  if (!Array.isArray(errors)) return [{ type: undefined, message: error.message }];
  return errors.map((entry: unknown) => {
    const { type, message } = (entry ?? {}) as { type?: unknown; message?: unknown };
    return {
      type: typeof type === 'string' ? type : undefined,
      message: typeof message === 'string' ? message : String(entry),
    };
  });
}

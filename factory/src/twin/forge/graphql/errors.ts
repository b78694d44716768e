/**
 * A GraphQL refusal: GitHub answers HTTP 200 with `data` and an `errors` list, each error naming
 * its `type` (`NOT_FOUND`, `FORBIDDEN`, `UNPROCESSABLE`, ...) beside the message and path.
 */
export interface GraphqlErrorBody {
  readonly type?: string;
  readonly message: string;
}

export class GraphqlRefusal extends Error {
  readonly type: string | undefined;
  constructor(error: GraphqlErrorBody) {
    super(error.message);
    this.type = error.type;
  }
}

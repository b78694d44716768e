/**
 * `POST /graphql`, executed against GitHub's own schema (see `graphql/schema.ts`). The twin
 * resolves what the factory uses: a repository's pull requests with their labels and timeline,
 * its labels, and the mutations that comment, review, set labels and update a branch. GraphQL answers HTTP 200 with an
 * `errors` list, never an HTTP error, for anything it refuses: a query the schema rejects, a
 * missing object, a token without the permission.
 */
import {
  getOperationAST,
  graphql,
  parse,
  type GraphQLError,
  type GraphQLFieldResolver,
} from 'graphql';
import * as z from 'zod';
import { READ_ANY, type ForgeContext, type Route } from '../context.ts';
import { parseBody } from '../http.ts';
import type { RepoSettings } from './repo-settings.ts';
import { GraphqlRefusal } from '../graphql/errors.ts';
import {
  addCommentMutation,
  addPullRequestReviewMutation,
  updateIssueCommentMutation,
  updatePullRequestMutation,
} from '../graphql/issue-writes.ts';
import type { GraphqlContext } from '../graphql/context.ts';
import { repositoryNode } from '../graphql/nodes.ts';
import { githubSchema } from '../graphql/schema.ts';
import { updatePullRequestBranch, type UpdateBranchInput } from '../graphql/update-branch.ts';

const DOCS = 'graphql';
const Request = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
  operationName: z.string().nullable().optional(),
});

export function graphqlRoutes(ctx: ForgeContext, settings: RepoSettings): Route[] {
  return [
    {
      method: 'POST',
      path: '/graphql',
      docs: DOCS,
      need: READ_ANY,
      handle: async ({ body, grant }) => {
        const request = parseBody(Request, body, DOCS);
        const context: GraphqlContext = { forge: ctx, grant, settings };
        const result = await graphql({
          schema: await githubSchema(),
          source: request.query,
          variableValues: request.variables ?? {},
          operationName: request.operationName ?? null,
          rootValue: rootOf(context),
          fieldResolver: resolveModelledField,
        });
        const crash = result.errors?.map((error) => error.originalError).find(isCrash);
        if (crash !== undefined) throw crash;
        return {
          status: 200,
          logAs: logName(request.query, request.operationName ?? undefined),
          body: {
            ...(result.data === undefined ? {} : { data: result.data }),
            ...(result.errors === undefined ? {} : { errors: result.errors.map(githubError) }),
          },
        };
      },
    },
  ];
}

/**
 * `POST /graphql query <name>` or `POST /graphql mutation <name>`: a query reads, a mutation
 * writes, and the request log (and every "zero writes" assertion) tells them apart.
 */
function logName(source: string, operationName: string | undefined): string {
  try {
    const operation = getOperationAST(parse(source), operationName);
    if (operation == null) return 'POST /graphql';
    return ['POST /graphql', operation.operation, operation.name?.value ?? ''].join(' ').trimEnd();
  } catch {
    return 'POST /graphql';
  }
}

/** The query and mutation roots: graphql-js calls each field with its arguments. */
function rootOf(context: GraphqlContext) {
  return {
    repository: ({ owner, name }: { owner: string; name: string }) =>
      repositoryNode(context, owner, name),
    updatePullRequestBranch: ({ input }: { input: UpdateBranchInput }) =>
      updatePullRequestBranch(context, input),
    addComment: ({ input }: { input: Parameters<typeof addCommentMutation>[1] }) =>
      addCommentMutation(context, input),
    updateIssueComment: ({ input }: { input: Parameters<typeof updateIssueCommentMutation>[1] }) =>
      updateIssueCommentMutation(context, input),
    updatePullRequest: ({ input }: { input: Parameters<typeof updatePullRequestMutation>[1] }) =>
      updatePullRequestMutation(context, input),
    addPullRequestReview: ({
      input,
    }: {
      input: Parameters<typeof addPullRequestReviewMutation>[1];
    }) => addPullRequestReviewMutation(context, input),
  };
}

/**
 * graphql-js's default resolver (a property, or a function of the arguments), except that a field
 * the twin does not model is an error naming it, never a silent `null`.
 */
const resolveModelledField: GraphQLFieldResolver<unknown, unknown> = (source, args, _, info) => {
  const field =
    typeof source === 'object' && source !== null
      ? (source as Record<string, unknown>)[info.fieldName]
      : undefined;
  if (field === undefined) {
    throw new GraphqlRefusal({
      type: 'TWIN_UNIMPLEMENTED',
      message: `The twin forge does not resolve ${info.parentType.name}.${info.fieldName}.`,
    });
  }
  return typeof field === 'function' ? (field as (a: unknown) => unknown)(args) : field;
};

/** A resolver that failed on its own (git, the store): a server error, not a GraphQL answer. */
function isCrash(error: Error | undefined): error is Error {
  return error !== undefined && !(error instanceof GraphqlRefusal) && error.name !== 'GraphQLError';
}

/** An error as GitHub words it: the message, where it happened, and the refusal's `type`. */
function githubError(error: GraphQLError) {
  const type = error.originalError instanceof GraphqlRefusal ? error.originalError.type : undefined;
  return {
    ...(type === undefined ? {} : { type }),
    message: error.message,
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.locations === undefined ? {} : { locations: error.locations }),
  };
}

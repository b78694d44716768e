/**
 * GitHub's own GraphQL schema, as `@octokit/graphql-schema` publishes it from GitHub's
 * introspection. The twin executes every query against it, so a query the factory sends is
 * validated field by field exactly as GitHub would (a misspelt field or a wrong argument type is
 * refused here too); the twin resolves only the fields the factory reads.
 */
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

let built: Promise<GraphQLSchema> | undefined;

/** Built once per process, on the first GraphQL request (the schema is 5 MB of JSON). */
export function githubSchema(): Promise<GraphQLSchema> {
  built ??= import('@octokit/graphql-schema').then(({ schema }) =>
    buildClientSchema(schema.json as IntrospectionQuery),
  );
  return built;
}

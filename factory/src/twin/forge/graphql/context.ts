/** What every resolver of the twin's GraphQL works with, and the permission check they share. */
import type { TokenGrant } from '../../contract.ts';
import { assertAllowed, type Need } from '../auth.ts';
import type { ForgeContext } from '../context.ts';
import { HttpError } from '../http.ts';
import type { RepoSettings } from '../routes/repo-settings.ts';
import { GraphqlRefusal } from './errors.ts';

/** What every resolver works with: the forge, and the token the request came with. */
export interface GraphqlContext {
  readonly forge: ForgeContext;
  readonly grant: TokenGrant;
  /** The repository settings the mutations obey (reviews, rulesets), as the REST routes do. */
  readonly settings: RepoSettings;
}

/** Checks `need` as the REST routes do, answered as GraphQL's `FORBIDDEN` / `NOT_FOUND`. */
export function require(ctx: GraphqlContext, need: Need): void {
  try {
    assertAllowed(ctx.grant, need, ctx.forge.auth.permissionOf, 'graphql');
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const type = error.status === 404 ? 'NOT_FOUND' : 'FORBIDDEN';
    throw new GraphqlRefusal({ type, message: error.message });
  }
}

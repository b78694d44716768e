/** Who did something, as GraphQL names them, and the same login as REST spells it. */
import * as z from 'zod';

/** An actor as GraphQL names it; a deleted account (`ghost`) comes back as `null`. */
export const Actor = z.object({ __typename: z.string(), login: z.string() }).nullable();

/**
 * A login as REST spells it, which is how the factory's identities are configured: GraphQL names
 * a bot without the `[bot]` that REST appends (`github-actions`, not `github-actions[bot]`).
 */
export function loginOf(actor: z.infer<typeof Actor>): string {
  if (actor === null) return 'ghost';
  return actor.__typename === 'Bot' ? `${actor.login}[bot]` : actor.login;
}

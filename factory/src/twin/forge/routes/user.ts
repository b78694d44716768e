/**
 * `GET /user`: who a token belongs to. Only a person's token has a user; GitHub refuses the
 * question for installation tokens (`GITHUB_TOKEN` and App tokens) as an integration.
 */
import { READ_ANY, type ForgeContext, type Route } from '../context.ts';
import { HttpError } from '../http.ts';
import { renderUser } from '../render/base.ts';

export function userRoutes(ctx: ForgeContext): Route[] {
  const docs = 'users/users#get-the-authenticated-user';
  return [
    {
      method: 'GET',
      path: '/user',
      docs,
      need: READ_ANY,
      handle: ({ grant }) => {
        if (grant.kind !== 'user') {
          throw new HttpError(403, 'Resource not accessible by integration', { docs });
        }
        return {
          status: 200,
          body: {
            ...renderUser(ctx.render, grant.actor),
            name: null,
            company: null,
            blog: '',
            location: null,
            email: null,
            hireable: null,
            bio: null,
            public_repos: 0,
            public_gists: 0,
            followers: 0,
            following: 0,
            created_at: ctx.render.createdAt,
            updated_at: ctx.render.createdAt,
          },
        };
      },
    },
  ];
}

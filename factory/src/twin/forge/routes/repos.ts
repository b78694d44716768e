/** `GET /repos/{owner}/{repo}` and a collaborator's permission. */
import { READ_ANY, type ForgeContext, type Route } from '../context.ts';
import { HttpError } from '../http.ts';
import { renderRepo, renderUser } from '../render/base.ts';
import type { RepoSettings } from './repo-settings.ts';

export function repoRoutes(ctx: ForgeContext, settings: RepoSettings): Route[] {
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}',
      docs: 'repos/repos#get-a-repository',
      need: READ_ANY,
      handle: () => {
        const open = [...ctx.store.issues.values()].filter(
          (issue) => issue.state === 'open',
        ).length;
        const body = {
          ...renderRepo(ctx.render, open),
          allow_squash_merge: settings.allowSquashMerge,
        };
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/collaborators/{username}/permission',
      docs: 'collaborators/collaborators#get-repository-permissions-for-a-user',
      need: READ_ANY,
      handle: ({ params }) => {
        const login = params.username ?? '';
        const permission = ctx.auth.permissionOf(login);
        if (permission === undefined) {
          throw new HttpError(404, `${login} is not a user`, {
            docs: 'collaborators/collaborators#get-repository-permissions-for-a-user',
          });
        }
        const user = renderUser(ctx.render, { login, type: 'User' });
        const rank = { admin: 3, write: 2, read: 1, none: 0 }[permission];
        return {
          status: 200,
          body: {
            permission,
            role_name: permission,
            user: {
              ...user,
              role_name: permission,
              permissions: {
                admin: rank >= 3,
                maintain: rank >= 3,
                push: rank >= 2,
                triage: rank >= 2,
                pull: rank >= 1,
              },
            },
          },
        };
      },
    },
  ];
}

/** A person's permission on the repository (who may queue a spec, R-12). */
import type { Permission } from '../../core/guardrails.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub, whenStatus } from './errors.ts';

const ROLES: readonly Permission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];

function isPermission(value: string): value is Permission {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * `login`'s permission. GitHub's `permission` field folds maintain into write and triage into
 * read; `role_name` keeps them, unless it names a custom role, where `permission` is the base.
 * Someone who is not a collaborator (404) has none.
 */
export function permissionOf(ctx: GitHubContext, login: string): Promise<Permission> {
  return callGitHub('permissionOf', async () => {
    const found = await ctx.octokit.rest.repos
      .getCollaboratorPermissionLevel({ ...ctx.repo, username: login })
      .catch(whenStatus(404, undefined));
    if (found === undefined) return 'none';
    const { role_name: role, permission } = found.data;
    if (isPermission(role)) return role;
    return isPermission(permission) ? permission : 'none';
  });
}

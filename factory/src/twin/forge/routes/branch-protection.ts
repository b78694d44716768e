/**
 * Branches and their classic protection: `GET /branches/{branch}` (readable by anyone who can
 * read the repository, protection summary included) and the admin-only protection routes.
 */
import * as z from 'zod';
import { READ_ANY, type ForgeContext, type Route } from '../context.ts';
import { HttpError, notFound, parseBody } from '../http.ts';
import { repoApiUrl, repoHtmlUrl, type RenderContext } from '../render/base.ts';
import { renderCommit } from '../render/commits.ts';
import { assertAdmin, type ProtectionRecord, type RepoSettings } from './repo-settings.ts';

const PutProtection = z.object({
  required_status_checks: z
    .object({
      strict: z.boolean(),
      contexts: z.array(z.string()).optional(),
      checks: z.array(z.object({ context: z.string(), app_id: z.int().optional() })).optional(),
    })
    .nullable(),
  enforce_admins: z.boolean().nullable(),
  required_pull_request_reviews: z
    .object({
      required_approving_review_count: z.int().min(0).max(6).optional(),
      dismiss_stale_reviews: z.boolean().optional(),
      require_last_push_approval: z.boolean().optional(),
      require_code_owner_reviews: z.boolean().optional(),
    })
    .nullable(),
  restrictions: z.unknown(),
});

export function branchProtectionRoutes(ctx: ForgeContext, settings: RepoSettings): Route[] {
  const docs = (anchor: string) => `branches/branch-protection#${anchor}`;
  const branchDocs = 'branches/branches#get-a-branch';
  const tipOf = async (branch: string, doc: string): Promise<string> => {
    const sha = await ctx.repo.resolve(`refs/heads/${branch}`);
    if (sha === undefined) throw new HttpError(404, 'Branch not found', { docs: doc });
    return sha;
  };
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/branches/{branch}',
      docs: branchDocs,
      need: { access: 'read', scopes: ['contents'] },
      handle: async ({ params }) => {
        const branch = params.branch ?? '';
        const commit = await ctx.repo.readCommit(await tipOf(branch, branchDocs));
        if (commit === undefined) throw notFound(branchDocs);
        const rule = settings.protection.get(branch);
        return {
          status: 200,
          body: {
            name: branch,
            commit: renderCommit(ctx.render, commit),
            _links: {
              self: `${repoApiUrl(ctx.render)}/branches/${branch}`,
              html: `${repoHtmlUrl(ctx.render)}/tree/${branch}`,
            },
            protected: rule !== undefined,
            protection: renderSummary(ctx.render, branch, rule),
            protection_url: protectionUrl(ctx.render, branch),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/branches/{branch}/protection',
      docs: docs('get-branch-protection'),
      need: READ_ANY,
      handle: async ({ params, grant }) => {
        const doc = docs('get-branch-protection');
        assertAdmin(grant, ctx.auth.permissionOf, doc);
        const branch = params.branch ?? '';
        await tipOf(branch, doc);
        const rule = settings.protection.get(branch);
        if (rule === undefined) throw new HttpError(404, 'Branch not protected', { docs: doc });
        return { status: 200, body: renderProtection(ctx.render, branch, rule) };
      },
    },
    {
      method: 'PUT',
      path: '/repos/{owner}/{repo}/branches/{branch}/protection',
      docs: docs('update-branch-protection'),
      need: READ_ANY,
      handle: async ({ params, grant, body }) => {
        const doc = docs('update-branch-protection');
        assertAdmin(grant, ctx.auth.permissionOf, doc);
        const branch = params.branch ?? '';
        await tipOf(branch, doc);
        const input = parseBody(PutProtection, body, doc);
        const checks = input.required_status_checks;
        const reviews = input.required_pull_request_reviews;
        const rule: ProtectionRecord = {
          requiredStatusChecks:
            checks === null
              ? null
              : {
                  strict: checks.strict,
                  contexts: checks.checks?.map((check) => check.context) ?? checks.contexts ?? [],
                },
          enforceAdmins: input.enforce_admins ?? false,
          requiredApprovingReviews:
            reviews === null ? 0 : (reviews.required_approving_review_count ?? 1),
          dismissStaleReviews: reviews?.dismiss_stale_reviews ?? false,
          requireLastPushApproval: reviews?.require_last_push_approval ?? false,
          requireCodeOwnerReviews: reviews?.require_code_owner_reviews ?? false,
        };
        settings.protection.set(branch, rule);
        return { status: 200, body: renderProtection(ctx.render, branch, rule) };
      },
    },
    {
      method: 'DELETE',
      path: '/repos/{owner}/{repo}/branches/{branch}/protection',
      docs: docs('delete-branch-protection'),
      need: READ_ANY,
      handle: ({ params, grant }) => {
        const doc = docs('delete-branch-protection');
        assertAdmin(grant, ctx.auth.permissionOf, doc);
        if (!settings.protection.delete(params.branch ?? '')) {
          throw new HttpError(404, 'Branch not protected', { docs: doc });
        }
        return { status: 204 };
      },
    },
  ];
}

function protectionUrl(render: RenderContext, branch: string): string {
  return `${repoApiUrl(render)}/branches/${branch}/protection`;
}

/**
 * The short form a branch carries; an unprotected branch reports enforcement `off`. As on GitHub,
 * it does not say whether heads must be up to date: only the admin-only protection read does.
 */
function renderSummary(
  render: RenderContext,
  branch: string,
  rule: ProtectionRecord | undefined,
): Record<string, unknown> {
  const checks = rule?.requiredStatusChecks ?? null;
  return {
    enabled: rule !== undefined,
    required_status_checks: {
      enforcement_level: checks === null ? 'off' : 'non_admins',
      contexts: checks?.contexts ?? [],
      checks: (checks?.contexts ?? []).map((context) => ({ context, app_id: null })),
    },
    ...(rule === undefined ? {} : { protection_url: protectionUrl(render, branch) }),
  };
}

function renderProtection(
  render: RenderContext,
  branch: string,
  rule: ProtectionRecord,
): Record<string, unknown> {
  const url = protectionUrl(render, branch);
  const checks = rule.requiredStatusChecks;
  return {
    url,
    ...(checks === null
      ? {}
      : {
          required_status_checks: {
            url: `${url}/required_status_checks`,
            strict: checks.strict,
            contexts: checks.contexts,
            checks: checks.contexts.map((context) => ({ context, app_id: null })),
            contexts_url: `${url}/required_status_checks/contexts`,
          },
        }),
    enforce_admins: { url: `${url}/enforce_admins`, enabled: rule.enforceAdmins },
    ...(rule.requiredApprovingReviews === 0 &&
    !rule.dismissStaleReviews &&
    !rule.requireLastPushApproval &&
    !rule.requireCodeOwnerReviews
      ? {}
      : {
          required_pull_request_reviews: {
            url: `${url}/required_pull_request_reviews`,
            dismiss_stale_reviews: rule.dismissStaleReviews,
            require_code_owner_reviews: rule.requireCodeOwnerReviews,
            required_approving_review_count: rule.requiredApprovingReviews,
            require_last_push_approval: rule.requireLastPushApproval,
          },
        }),
  };
}

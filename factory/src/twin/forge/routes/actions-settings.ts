/**
 * Actions settings of the repository: whether Actions run and which actions they may use, the
 * default workflow permissions ("Allow GitHub Actions to create and approve pull requests") and
 * Actions secrets (names only: values never come back).
 */
import * as z from 'zod';
import { READ_ANY, type ForgeContext, type Route } from '../context.ts';
import { HttpError, paginate, parseBody } from '../http.ts';
import { assertAdmin, type RepoSettings } from './repo-settings.ts';

const WorkflowPermissions = z.object({
  default_workflow_permissions: z.enum(['read', 'write']).optional(),
  can_approve_pull_request_reviews: z.boolean().optional(),
});

const ActionsPermissions = z.object({
  enabled: z.boolean(),
  allowed_actions: z.enum(['all', 'local_only', 'selected']).optional(),
});

const SecretValue = z.object({
  encrypted_value: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  key_id: z.string().min(1),
});

const SECRET_NAME = /^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/i;

/** The twin never decrypts: any base64 is accepted, so the key only needs a stable id. */
const PUBLIC_KEY = { key_id: '3380204578043523366', key: Buffer.alloc(32, 7).toString('base64') };

export function actionsSettingsRoutes(ctx: ForgeContext, settings: RepoSettings): Route[] {
  const permissionsDocs = 'actions/permissions#set-default-workflow-permissions-for-a-repository';
  const allowedDocs = 'actions/permissions#get-github-actions-permissions-for-a-repository';
  const secretDocs = (anchor: string) => `actions/secrets#${anchor}`;
  const admin = (grant: Parameters<typeof assertAdmin>[0], docs: string) => {
    assertAdmin(grant, ctx.auth.permissionOf, docs);
  };
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/actions/permissions',
      docs: allowedDocs,
      need: READ_ANY,
      handle: ({ grant }) => {
        admin(grant, allowedDocs);
        return {
          status: 200,
          body: settings.actionsEnabled
            ? { enabled: true, allowed_actions: settings.allowedActions }
            : { enabled: false },
        };
      },
    },
    {
      method: 'PUT',
      path: '/repos/{owner}/{repo}/actions/permissions',
      docs: allowedDocs,
      need: READ_ANY,
      handle: ({ grant, body }) => {
        admin(grant, allowedDocs);
        const input = parseBody(ActionsPermissions, body, allowedDocs);
        settings.actionsEnabled = input.enabled;
        if (input.allowed_actions !== undefined) settings.allowedActions = input.allowed_actions;
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/actions/permissions/workflow',
      docs: permissionsDocs,
      need: READ_ANY,
      handle: ({ grant }) => {
        admin(grant, permissionsDocs);
        return {
          status: 200,
          body: {
            default_workflow_permissions: settings.defaultWorkflowPermissions,
            can_approve_pull_request_reviews: settings.actionsMayCreateAndApprove,
          },
        };
      },
    },
    {
      method: 'PUT',
      path: '/repos/{owner}/{repo}/actions/permissions/workflow',
      docs: permissionsDocs,
      need: READ_ANY,
      handle: ({ grant, body }) => {
        admin(grant, permissionsDocs);
        const input = parseBody(WorkflowPermissions, body, permissionsDocs);
        if (input.default_workflow_permissions !== undefined)
          settings.defaultWorkflowPermissions = input.default_workflow_permissions;
        if (input.can_approve_pull_request_reviews !== undefined)
          settings.actionsMayCreateAndApprove = input.can_approve_pull_request_reviews;
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/actions/secrets',
      docs: secretDocs('list-repository-secrets'),
      need: READ_ANY,
      handle: ({ grant, url }) => {
        admin(grant, secretDocs('list-repository-secrets'));
        const secrets = [...settings.secrets.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, record]) => ({
            name,
            created_at: record.createdAt,
            updated_at: record.updatedAt,
          }));
        const page = paginate(secrets, url);
        return {
          status: 200,
          body: { total_count: secrets.length, secrets: page.body },
          headers: page.headers,
        };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/actions/secrets/public-key',
      docs: secretDocs('get-a-repository-public-key'),
      need: READ_ANY,
      handle: ({ grant }) => {
        admin(grant, secretDocs('get-a-repository-public-key'));
        return { status: 200, body: PUBLIC_KEY };
      },
    },
    {
      method: 'PUT',
      path: '/repos/{owner}/{repo}/actions/secrets/{secret_name}',
      docs: secretDocs('create-or-update-a-repository-secret'),
      need: READ_ANY,
      handle: ({ grant, params, body }) => {
        const docs = secretDocs('create-or-update-a-repository-secret');
        admin(grant, docs);
        const name = (params.secret_name ?? '').toUpperCase();
        const input = parseBody(SecretValue, body, docs);
        if (!SECRET_NAME.test(name) || input.key_id !== PUBLIC_KEY.key_id) {
          throw new HttpError(422, 'Invalid request.', { docs });
        }
        const existing = settings.secrets.get(name);
        if (existing !== undefined) {
          existing.updatedAt = ctx.now();
          return { status: 204 };
        }
        settings.secrets.set(name, { createdAt: ctx.now(), updatedAt: ctx.now() });
        return { status: 201, body: {} };
      },
    },
    {
      method: 'DELETE',
      path: '/repos/{owner}/{repo}/actions/secrets/{secret_name}',
      docs: secretDocs('delete-a-repository-secret'),
      need: READ_ANY,
      handle: ({ grant, params }) => {
        admin(grant, secretDocs('delete-a-repository-secret'));
        settings.secrets.delete((params.secret_name ?? '').toUpperCase());
        return { status: 204 };
      },
    },
  ];
}

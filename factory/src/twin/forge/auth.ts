/**
 * Identities and tokens. People hold a repository permission; the default token and the App hold
 * scopes, exactly as GitHub judges `GITHUB_TOKEN` by the job's `permissions:`.
 */
import { randomBytes } from 'node:crypto';
import type { Actor, Permission, TokenGrant, TokenScope, TokenScopes } from '../contract.ts';
import { HttpError } from './http.ts';

export interface UserSpec {
  readonly login: string;
  readonly permission: Exclude<Permission, 'none'>;
}

export interface AppSpec {
  readonly slug: string;
  readonly scopes: TokenScopes;
}

/** What a route needs: any one of `scopes` at `access` (no scopes: any valid token may read). */
export interface Need {
  readonly access: 'read' | 'write';
  readonly scopes: readonly TokenScope[];
  /** What a person needs when it is less than a token's `access` (reviewing needs only read). */
  readonly person?: 'read';
}

export const DEFAULT_USERS: readonly UserSpec[] = [
  { login: 'octo-owner', permission: 'admin' },
  { login: 'writer', permission: 'write' },
  { login: 'reader', permission: 'read' },
];

export const ACTIONS_BOT: Actor = { login: 'github-actions[bot]', type: 'Bot' };

export interface Auth {
  readonly grantFor: (token: string) => TokenGrant | undefined;
  readonly userToken: (login: string) => string;
  readonly permissionOf: (login: string) => Permission | undefined;
  readonly issueJobToken: (scopes: TokenScopes) => TokenGrant;
  readonly appGrant: TokenGrant | undefined;
  readonly users: readonly UserSpec[];
}

/** Creates the identities of one forge; every token is random per forge. */
export function createAuth(users: readonly UserSpec[], app: AppSpec | undefined): Auth {
  const grants = new Map<string, TokenGrant>();
  const userTokens = new Map<string, string>();
  for (const user of users) {
    const token = `ghp_${randomBytes(18).toString('hex')}`;
    grants.set(token, { token, actor: { login: user.login, type: 'User' }, kind: 'user' });
    userTokens.set(user.login, token);
  }
  const appGrant: TokenGrant | undefined =
    app === undefined
      ? undefined
      : {
          token: `ghs_${randomBytes(18).toString('hex')}`,
          actor: { login: `${app.slug}[bot]`, type: 'Bot' },
          kind: 'app',
          scopes: app.scopes,
        };
  if (appGrant !== undefined) grants.set(appGrant.token, appGrant);
  let jobTokensIssued = 0;
  return {
    users,
    appGrant,
    grantFor: (token) => grants.get(token),
    userToken(login) {
      const token = userTokens.get(login);
      if (token === undefined) throw new Error(`the forge has no user called ${login}`);
      return token;
    },
    permissionOf: (login) => users.find((user) => user.login === login)?.permission,
    issueJobToken(scopes) {
      // `permissions:` has no `workflows` key: GITHUB_TOKEN can never hold it (github-mechanics §4).
      const allowed = { ...scopes };
      delete allowed.workflows;
      const grant: TokenGrant = {
        token: `ghs_${randomBytes(18).toString('hex')}`,
        actor: ACTIONS_BOT,
        kind: 'default-token',
        scopes: allowed,
        jobTokenId: (jobTokensIssued += 1),
      };
      grants.set(grant.token, grant);
      return grant;
    },
  };
}

/** Reads the token from `token X`, `Bearer X` or HTTP basic (`x-access-token:X`) credentials. */
export function readToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  switch (scheme.toLowerCase()) {
    case 'token':
    case 'bearer':
      return value;
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon === -1 ? decoded : decoded.slice(colon + 1);
    }
    default:
      return undefined;
  }
}

export function badCredentials(): HttpError {
  return new HttpError(401, 'Bad credentials');
}

/** Whether the grant may do what the route needs; throws GitHub's refusal when it may not. */
export function assertAllowed(
  grant: TokenGrant,
  need: Need,
  permissionOf: (login: string) => Permission | undefined,
  docs: string,
): void {
  if (grant.kind === 'user') {
    const permission = permissionOf(grant.actor.login) ?? 'none';
    if (permission === 'none') throw new HttpError(404, 'Not Found', { docs });
    if ((need.person ?? need.access) === 'write' && permission === 'read') {
      throw new HttpError(403, 'Must have push access to repository', { docs });
    }
    return;
  }
  if (need.scopes.length === 0) return;
  const scopes = grant.scopes ?? {};
  const granted = need.scopes.some((scope) => {
    const level = scopes[scope];
    return level === 'write' || (level === 'read' && need.access === 'read');
  });
  if (!granted) throw new HttpError(403, 'Resource not accessible by integration', { docs });
}

/** Whether a push or ref update through this grant may touch `.github/workflows/`. */
export function canWriteWorkflows(grant: TokenGrant): boolean {
  if (grant.kind === 'user') return true;
  if (grant.kind === 'default-token') return false;
  return grant.scopes?.workflows === 'write';
}

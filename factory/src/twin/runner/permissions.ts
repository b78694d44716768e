/**
 * `permissions:` → the scopes of a job's token. Pure. A job's own `permissions:` replaces the
 * workflow's entirely (GitHub does not merge them); `{}` grants nothing. No key grants `workflows`:
 * GitHub's schema has none, so a job token can never push workflow changes (github-mechanics §4).
 */
import type { TokenScope, TokenScopes } from '../contract.ts';
import type { PermissionsSpec } from './workflow-model.ts';

/** What a job gets when neither the workflow nor the job says: the repository's default setting. */
export type DefaultPermissions = 'restricted' | 'permissive';

const GRANTABLE: readonly TokenScope[] = [
  'actions',
  'checks',
  'contents',
  'issues',
  'pull-requests',
  'statuses',
];

function isGrantable(key: string): key is TokenScope {
  return (GRANTABLE as readonly string[]).includes(key);
}

function grantAll(level: 'read' | 'write'): TokenScopes {
  return Object.fromEntries(GRANTABLE.map((scope) => [scope, level]));
}

/** Resolves the token scopes for a job from the workflow-level and job-level `permissions:`. */
export function resolveJobScopes(
  workflow: PermissionsSpec | undefined,
  job: PermissionsSpec | undefined,
  defaults: DefaultPermissions,
): TokenScopes {
  const spec = job ?? workflow;
  if (spec === undefined)
    return defaults === 'permissive' ? grantAll('write') : { contents: 'read' };
  if (spec === 'read-all') return grantAll('read');
  if (spec === 'write-all') return grantAll('write');
  const scopes: TokenScopes = {};
  for (const [key, level] of Object.entries(spec)) {
    if (isGrantable(key) && (level === 'read' || level === 'write')) scopes[key] = level;
  }
  return scopes;
}

/** Narrows `scopes` to at most `ceiling` (a called workflow can only lower its caller's access). */
export function limitScopes(scopes: TokenScopes, ceiling: TokenScopes): TokenScopes {
  const limited: TokenScopes = {};
  for (const scope of GRANTABLE) {
    const wanted = scopes[scope];
    const allowed = ceiling[scope];
    if (wanted === undefined || allowed === undefined) continue;
    limited[scope] = wanted === 'write' && allowed === 'write' ? 'write' : 'read';
  }
  return limited;
}

/** `scopes` with every write lowered to read: what GitHub gives a fork's `pull_request` run. */
export function readOnlyScopes(scopes: TokenScopes): TokenScopes {
  const lowered: TokenScopes = {};
  for (const scope of GRANTABLE) if (scopes[scope] !== undefined) lowered[scope] = 'read';
  return lowered;
}

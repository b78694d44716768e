/**
 * Repository settings that live beside the code on GitHub: the Actions workflow permissions,
 * the names of Actions secrets, classic branch protection and rulesets. One mutable record per forge, so
 * a test sets each through GitHub's own write routes and `factory doctor` reads it back.
 */
import type { Actor } from '../../contract.ts';
import { HttpError } from '../http.ts';
import type { PullOptions } from './pulls.ts';

export interface SecretRecord {
  readonly createdAt: string;
  updatedAt: string;
}

export interface ProtectionRecord {
  /** Required status checks; `undefined` when the rule does not require any. */
  readonly requiredStatusChecks: { readonly strict: boolean; readonly contexts: string[] } | null;
  readonly enforceAdmins: boolean;
  /** Approving reviews by people with write access a merge needs; 0 when reviews are not required. */
  readonly requiredApprovingReviews: number;
  /** Approvals are dismissed as stale when the PR's head moves (`stale-approvals.ts`). */
  readonly dismissStaleReviews: boolean;
  /**
   * The latest push must be approved by someone other than its pusher. Stored and reported for
   * `factory doctor`; the twin's merge does not enforce it.
   */
  readonly requireLastPushApproval: boolean;
  /** A code owner must approve; stored and reported for `factory doctor`, not enforced. */
  readonly requireCodeOwnerReviews: boolean;
}

/** A repository ruleset (`rulesets.ts`); the twin enforces only `required_signatures`. */
export interface RulesetRecord {
  readonly id: number;
  readonly name: string;
  readonly enforcement: 'active' | 'evaluate' | 'disabled';
  /** GitHub's ref patterns: `~ALL`, `~DEFAULT_BRANCH`, `refs/heads/<fnmatch>`. */
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** The rule types. */
  readonly rules: readonly string[];
  readonly createdAt: string;
}

export interface RepoSettings extends PullOptions {
  /** Read by the pull and review routes at request time, so a `PUT` takes effect at once. */
  actionsMayCreateAndApprove: boolean;
  /** "Allow squash merging" (Settings → General → Pull Requests), the only method the line uses. */
  readonly allowSquashMerge: boolean;
  /** Whether Actions run at all, and which actions they may use (Settings → Actions → General). */
  actionsEnabled: boolean;
  allowedActions: 'all' | 'local_only' | 'selected';
  defaultWorkflowPermissions: 'read' | 'write';
  readonly secrets: Map<string, SecretRecord>;
  /** Branch name → its classic protection rule. */
  readonly protection: Map<string, ProtectionRecord>;
  readonly rulesets: RulesetRecord[];
}

export function createRepoSettings(
  options: PullOptions & { readonly allowSquashMerge: boolean },
): RepoSettings {
  return {
    actionsMayCreateAndApprove: options.actionsMayCreateAndApprove,
    allowSquashMerge: options.allowSquashMerge,
    actionsEnabled: true,
    allowedActions: 'all',
    defaultWorkflowPermissions: 'read',
    secrets: new Map(),
    protection: new Map(),
    rulesets: [],
  };
}

/**
 * Repository administration is for admins. Integration tokens are refused here too: the twin's
 * tokens carry no `administration` scope, and `GITHUB_TOKEN` can never hold one.
 */
export function assertAdmin(
  grant: { readonly kind: string; readonly actor: Actor },
  permissionOf: (login: string) => string | undefined,
  docs: string,
): void {
  if (grant.kind !== 'user') {
    throw new HttpError(403, 'Resource not accessible by integration', { docs });
  }
  if (permissionOf(grant.actor.login) !== 'admin') {
    throw new HttpError(403, 'Must have admin rights to Repository.', { docs });
  }
}

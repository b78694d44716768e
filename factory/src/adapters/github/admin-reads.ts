/**
 * Reads of repository settings that `factory doctor` checks. Several need admin rights the
 * caller may lack, so each answers a `SettingRead`: the value, or why GitHub would not say.
 */
import type { GitHubContext } from './context.ts';
import { githubMessageOf, statusOf } from './errors.ts';

/** A setting, or GitHub's refusal to show it (403/404 for lack of rights, and the like). */
export type SettingRead<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: number | undefined; readonly message: string };

export interface WorkflowPermissions {
  readonly defaultWorkflowPermissions: 'read' | 'write';
  /** "Allow GitHub Actions to create and approve pull requests". */
  readonly actionsMayCreateAndApprove: boolean;
}

export interface BranchProtectionSummary {
  readonly protected: boolean;
  /** Status-check contexts the branch requires before a merge (empty when none). */
  readonly requiredChecks: readonly string[];
  /**
   * Whether a head must contain the branch's tip to merge ("up to date"), or why GitHub would not
   * say: only admins may read a classic rule in full, and a ruleset is read elsewhere.
   */
  readonly upToDate: boolean | { readonly unknown: string };
}

/** Runs a read; a failure becomes a refused `SettingRead` rather than an exception. */
async function readSetting<T>(work: () => Promise<T>): Promise<SettingRead<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, status: statusOf(error), message: githubMessageOf(error) };
  }
}

/** The token's user; GitHub refuses this for installation tokens (`GITHUB_TOKEN`, Apps). */
export function readViewer(ctx: GitHubContext): Promise<SettingRead<string>> {
  return readSetting(async () => (await ctx.octokit.rest.users.getAuthenticated()).data.login);
}

/** The repository's default workflow permissions (admin only). */
export function readWorkflowPermissions(
  ctx: GitHubContext,
): Promise<SettingRead<WorkflowPermissions>> {
  return readSetting(async () => {
    const { data } =
      await ctx.octokit.rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository(ctx.repo);
    return {
      defaultWorkflowPermissions: data.default_workflow_permissions,
      actionsMayCreateAndApprove: data.can_approve_pull_request_reviews,
    };
  });
}

/** Names of the repository's Actions secrets, all pages. Values are never readable. */
export function listSecretNames(ctx: GitHubContext): Promise<SettingRead<string[]>> {
  return readSetting(async () => {
    const names: string[] = [];
    for await (const page of ctx.octokit.paginate.iterator(
      ctx.octokit.rest.actions.listRepoSecrets,
      { ...ctx.repo, per_page: 100 },
    )) {
      names.push(...page.data.map((secret) => secret.name));
    }
    return names;
  });
}

/**
 * The branch's classic protection as anyone with read access sees it (`GET /branches/{branch}`),
 * so a writer's token can check the required checks too; whether heads must be up to date only
 * the admin-only protection read says.
 */
export function readBranchProtection(
  ctx: GitHubContext,
  branch: string,
): Promise<SettingRead<BranchProtectionSummary>> {
  return readSetting(async () => {
    const { data } = await ctx.octokit.rest.repos.getBranch({ ...ctx.repo, branch });
    const checks = data.protection.required_status_checks;
    const contexts = [
      ...(checks?.contexts ?? []),
      ...(checks?.checks ?? []).map((check) => check.context),
    ];
    return {
      protected: data.protected,
      requiredChecks: [...new Set(contexts)],
      upToDate: data.protected ? await readUpToDate(ctx, branch) : false,
    };
  });
}

/** The classic rule's "require branches to be up to date", when this token may read the rule. */
async function readUpToDate(
  ctx: GitHubContext,
  branch: string,
): Promise<boolean | { readonly unknown: string }> {
  try {
    const { data } = await ctx.octokit.rest.repos.getBranchProtection({ ...ctx.repo, branch });
    return data.required_status_checks?.strict ?? false;
  } catch (error) {
    const status = statusOf(error);
    if (status === 403) return { unknown: 'GitHub shows that setting to admins only' };
    if (status === 404) return { unknown: 'it has no classic rule (a ruleset, perhaps)' };
    return {
      unknown: `GitHub did not answer (${status === undefined ? 'no answer' : String(status)})`,
    };
  }
}

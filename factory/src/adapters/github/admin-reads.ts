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
  /** What the rule asks of reviews, or why GitHub would not say (as for `upToDate`). */
  readonly reviews: ReviewRule | { readonly unknown: string };
}

/** A classic rule's "Require a pull request before merging", as far as the line is concerned. */
export interface ReviewRule {
  /** Approvals by people with write access a merge needs (0 when none are required). */
  readonly approvals: number;
  /** "Dismiss stale pull request approvals when new commits are pushed". */
  readonly dismissStale: boolean;
  /** "Require approval of the most recent reviewable push" (by someone other than its pusher). */
  readonly lastPushApproval: boolean;
  /** "Require review from Code Owners". */
  readonly codeOwners: boolean;
}

const NO_REVIEW_RULE: ReviewRule = {
  approvals: 0,
  dismissStale: false,
  lastPushApproval: false,
  codeOwners: false,
};

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

/** Whether Actions run in the repository, and which actions they may use (admin only). */
export interface ActionsAllowed {
  readonly enabled: boolean;
  /** Absent while Actions are disabled. */
  readonly allowedActions: 'all' | 'local_only' | 'selected' | undefined;
}

export function readActionsAllowed(ctx: GitHubContext): Promise<SettingRead<ActionsAllowed>> {
  return readSetting(async () => {
    const { data } = await ctx.octokit.rest.actions.getGithubActionsPermissionsRepository(ctx.repo);
    return { enabled: data.enabled, allowedActions: data.allowed_actions };
  });
}

/**
 * Whether the repository allows squash merging, the only method the line merges with; GitHub may
 * leave its merge settings out of the repository for a token that cannot administer it.
 */
export function readSquashMergeAllowed(ctx: GitHubContext): Promise<SettingRead<boolean>> {
  return readSetting(async () => {
    const { data } = await ctx.octokit.rest.repos.get(ctx.repo);
    if (data.allow_squash_merge === undefined)
      throw new Error('the repository was read without its merge settings');
    return data.allow_squash_merge;
  });
}

/**
 * The types of the rules rulesets apply to `branch`, which need not exist (GitHub answers for the
 * name), from the repository's rulesets and its organization's alike.
 */
export function readBranchRuleTypes(
  ctx: GitHubContext,
  branch: string,
): Promise<SettingRead<string[]>> {
  return readSetting(async () => {
    const rules = await ctx.octokit.paginate(ctx.octokit.rest.repos.getBranchRules, {
      ...ctx.repo,
      branch,
      per_page: 100,
    });
    return [...new Set(rules.map((rule) => rule.type))];
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
    const details = data.protected
      ? await readRuleDetails(ctx, branch)
      : { upToDate: false, reviews: NO_REVIEW_RULE };
    return { protected: data.protected, requiredChecks: [...new Set(contexts)], ...details };
  });
}

/**
 * The classic rule's "require branches to be up to date" and its review settings, when this token
 * may read the rule: the branch's own summary carries neither.
 */
async function readRuleDetails(
  ctx: GitHubContext,
  branch: string,
): Promise<Pick<BranchProtectionSummary, 'upToDate' | 'reviews'>> {
  try {
    const { data } = await ctx.octokit.rest.repos.getBranchProtection({ ...ctx.repo, branch });
    const reviews = data.required_pull_request_reviews;
    return {
      upToDate: data.required_status_checks?.strict ?? false,
      reviews:
        reviews === undefined
          ? NO_REVIEW_RULE
          : {
              approvals: reviews.required_approving_review_count ?? 0,
              dismissStale: reviews.dismiss_stale_reviews,
              lastPushApproval: reviews.require_last_push_approval ?? false,
              codeOwners: reviews.require_code_owner_reviews,
            },
    };
  } catch (error) {
    const unknown = { unknown: whyUnread(statusOf(error)) };
    return { upToDate: unknown, reviews: unknown };
  }
}

function whyUnread(status: number | undefined): string {
  if (status === 403) return 'GitHub shows those settings to admins only';
  if (status === 404) return 'it has no classic rule (a ruleset, perhaps)';
  return `GitHub did not answer (${status === undefined ? 'no answer' : String(status)})`;
}

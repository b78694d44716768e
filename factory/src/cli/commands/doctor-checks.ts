/**
 * The checks `factory doctor` runs, as pure functions of what it read from GitHub. Each says ok,
 * warn or fail and, when not ok, exactly how to fix it.
 */
import type {
  ActionsAllowed,
  BranchProtectionSummary,
  RepositoryLabel,
  ReviewRule,
  SettingRead,
  WorkflowPermissions,
} from '../../adapters/github/index.ts';
import type { FactoryConfig } from '../../core/config.ts';
import { isWriter, type Permission } from '../../core/guardrails.ts';
import { STATE_LABELS } from '../../core/states.ts';

export type Level = 'ok' | 'warn' | 'fail';

export interface Finding {
  /** Stable id scripts can match on, e.g. `secret`. */
  readonly id: string;
  readonly level: Level;
  /** One line: what was found. */
  readonly summary: string;
  /** How to fix it (absent when ok). */
  readonly fix?: string;
}

/** The model key every agent stage reads (design §5). */
export const MODEL_SECRET = 'ANTHROPIC_API_KEY';

const LEVEL_RANK: Record<Level, number> = { ok: 0, warn: 1, fail: 2 };

export function worstLevel(findings: readonly Finding[]): Level {
  return findings.reduce<Level>(
    (worst, finding) => (LEVEL_RANK[finding.level] > LEVEL_RANK[worst] ? finding.level : worst),
    'ok',
  );
}

export interface RepoNames {
  readonly slug: string;
  readonly defaultBranch: string;
}

function unreadable(
  id: string,
  what: string,
  read: { status: number | undefined; message: string },
  howToCheck: string,
): Finding {
  const code = read.status === undefined ? '' : ` (${String(read.status)})`;
  return {
    id,
    level: 'warn',
    summary: `Could not read ${what}${code}: ${read.message}.`,
    fix: `Run doctor with an admin's token, or check by hand: ${howToCheck}.`,
  };
}

export function checkWorkflowPermissions(
  read: SettingRead<WorkflowPermissions>,
  repo: RepoNames,
): Finding {
  const where = `Settings → Actions → General → Workflow permissions`;
  if (!read.ok)
    return unreadable('actions-permissions', 'the Actions workflow permissions', read, where);
  if (read.value.actionsMayCreateAndApprove) {
    return {
      id: 'actions-permissions',
      level: 'ok',
      summary: 'GitHub Actions may create and approve pull requests.',
    };
  }
  return {
    id: 'actions-permissions',
    level: 'fail',
    summary:
      'GitHub Actions may not create or approve pull requests, so the code-review stage cannot post its APPROVE.',
    fix: `Tick "Allow GitHub Actions to create and approve pull requests" under ${where}, or run: gh api -X PUT repos/${repo.slug}/actions/permissions/workflow -F can_approve_pull_request_reviews=true`,
  };
}

export function checkModelSecret(read: SettingRead<readonly string[]>, repo: RepoNames): Finding {
  if (!read.ok)
    return unreadable(
      'secret',
      'the Actions secrets',
      read,
      `Settings → Secrets and variables → Actions lists ${MODEL_SECRET}`,
    );
  if (read.value.includes(MODEL_SECRET)) {
    return { id: 'secret', level: 'ok', summary: `The Actions secret ${MODEL_SECRET} is set.` };
  }
  return {
    id: 'secret',
    level: 'fail',
    summary: `The Actions secret ${MODEL_SECRET} is not set on the repository, so no agent stage can call the model.`,
    fix: `Run: gh secret set ${MODEL_SECRET} --repo ${repo.slug} (an organisation secret shared with the repository also works; doctor cannot see those).`,
  };
}

export function checkTokenPermission(
  viewer: SettingRead<string>,
  permission: Permission | undefined,
  repo: RepoNames,
): Finding {
  if (!viewer.ok) {
    return {
      id: 'token',
      level: 'warn',
      summary: `The token has no user (GitHub: ${viewer.message}); it looks like an installation token, whose rights doctor cannot read.`,
      fix: 'Run doctor with a personal token (e.g. GH_TOKEN=$(gh auth token)) of someone who will queue and resume specs.',
    };
  }
  if (permission !== undefined && isWriter(permission)) {
    return {
      id: 'token',
      level: 'ok',
      summary: `The token belongs to @${viewer.value}, who has ${permission} permission.`,
    };
  }
  return {
    id: 'token',
    level: 'fail',
    summary: `The token belongs to @${viewer.value}, who has ${permission ?? 'no'} permission: queue, resume and labels sync need write.`,
    fix: `Give @${viewer.value} write access (Settings → Collaborators and teams on ${repo.slug}), or use a writer's token.`,
  };
}

export function checkLabels(existing: readonly RepositoryLabel[]): Finding {
  const byName = new Map(existing.map((label) => [label.name.toLowerCase(), label]));
  const missing = STATE_LABELS.filter((label) => !byName.has(label.name.toLowerCase()));
  const drifted = STATE_LABELS.filter((label) => {
    const found = byName.get(label.name.toLowerCase());
    return (
      found !== undefined &&
      (found.color.toLowerCase() !== label.color || found.description !== label.description)
    );
  });
  const fix = 'Run: pnpm factory labels sync';
  if (missing.length > 0) {
    return {
      id: 'labels',
      level: 'fail',
      summary: `Missing labels: ${missing.map((label) => label.name).join(', ')}.`,
      fix,
    };
  }
  if (drifted.length > 0) {
    return {
      id: 'labels',
      level: 'warn',
      summary: `Labels with another colour or description: ${drifted.map((label) => label.name).join(', ')}.`,
      fix,
    };
  }
  return {
    id: 'labels',
    level: 'ok',
    summary: `All ${String(STATE_LABELS.length)} state:* labels are in place.`,
  };
}

/**
 * Branch protection should require what the line publishes (`requiredChecks`), and nothing the
 * line never reports on a PR's head: such a check would block every merge.
 */
export function checkBranchProtection(
  read: SettingRead<BranchProtectionSummary>,
  config: FactoryConfig,
  repo: RepoNames,
): Finding {
  const where = `Settings → Branches → the rule for ${repo.defaultBranch} → Require status checks to pass`;
  if (!read.ok)
    return unreadable('protection', `the protection of ${repo.defaultBranch}`, read, where);
  const wanted = config.requiredChecks;
  const listed = wanted.map((check) => `"${check}"`).join(', ');
  if (!read.value.protected) {
    return {
      id: 'protection',
      level: 'warn',
      summary: `${repo.defaultBranch} is not protected: a person could merge a PR whose ${listed} is not green.`,
      fix: `Protect ${repo.defaultBranch} and require ${listed} (${where}).`,
    };
  }
  const required = read.value.requiredChecks;
  const foreign = required.filter((check) => !wanted.includes(check));
  if (foreign.length > 0) {
    return {
      id: 'protection',
      level: 'fail',
      summary: `${repo.defaultBranch} requires ${foreign.map((check) => `"${check}"`).join(', ')}, which the line never reports on a PR's head: every merge would be refused.`,
      fix: `Require only ${listed} (${where}), or add the check to requiredChecks in factory.config.yaml if the line publishes it.`,
    };
  }
  const absent = wanted.filter((check) => !required.includes(check));
  if (absent.length > 0) {
    return {
      id: 'protection',
      level: 'warn',
      summary: `${repo.defaultBranch} is protected but does not require ${absent.map((check) => `"${check}"`).join(', ')}.`,
      fix: `Add it under ${where}.`,
    };
  }
  // Without it, main can move between the merge's last look at it and the merge itself, and
  // GitHub would squash the tested change onto a main it was not tested with (ADR 0004).
  const upToDate = `Tick "Require branches to be up to date before merging" (${where}).`;
  if (read.value.upToDate === false) {
    return {
      id: 'protection',
      level: 'warn',
      summary: `${repo.defaultBranch} requires ${listed} but not that branches be up to date: a change could land on a ${repo.defaultBranch} it was not tested with.`,
      fix: upToDate,
    };
  }
  if (typeof read.value.upToDate === 'object') {
    return {
      id: 'protection',
      level: 'warn',
      summary: `${repo.defaultBranch} requires ${listed}; whether it also requires branches to be up to date is unknown: ${read.value.upToDate.unknown}.`,
      fix: `Check it as an admin: ${upToDate} In a ruleset, tick "Require branches to be up to date before merging" under its status checks.`,
    };
  }
  return {
    id: 'protection',
    level: 'ok',
    summary: `${repo.defaultBranch} requires ${listed} on heads up to date with it, as the config says.`,
  };
}

/**
 * What the rule asks of reviews, against what the line gives: one approval of the exact head,
 * from the identity that also pushes the merge's rebase.
 */
export function checkReviewRules(
  read: SettingRead<BranchProtectionSummary>,
  repo: RepoNames,
): Finding {
  const main = repo.defaultBranch;
  const where = `Settings → Branches → the rule for ${main} → Require a pull request before merging`;
  if (!read.ok) return unreadable('reviews', `the review rules of ${main}`, read, where);
  const rule = read.value.reviews;
  if ('unknown' in rule) {
    return {
      id: 'reviews',
      level: 'warn',
      summary: `Whether ${main}'s rule asks for reviews the line cannot give (approval of the latest push by someone other than its pusher, code owners' review, more than one approval) is unknown: ${rule.unknown}.`,
      fix: `Check it as an admin (${where}): leave "Require approval of the most recent reviewable push" unticked, and see the operating guide for the rest.`,
    };
  }
  const problems = reviewRuleProblems(rule, main, where);
  if (problems.length === 0) {
    return {
      id: 'reviews',
      level: 'ok',
      summary:
        rule.approvals === 0
          ? `${main} asks for no approving review; the line merges only on its own code review's approval.`
          : `${main} requires one approving review; the line's code review gives it.`,
    };
  }
  return {
    id: 'reviews',
    level: problems.some((problem) => problem.fatal) ? 'fail' : 'warn',
    summary: problems.map((problem) => problem.summary).join(' '),
    fix: problems.map((problem) => problem.fix).join(' '),
  };
}

interface RuleProblem {
  /** GitHub would refuse every merge the line makes. */
  readonly fatal: boolean;
  readonly summary: string;
  readonly fix: string;
}

function reviewRuleProblems(rule: ReviewRule, main: string, where: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  // People's approvals are dismissed by the merge's rebase as the line's are.
  const again = rule.dismissStale
    ? ` With stale approvals dismissed, they approve again each time the merge brings the PR up to date with a newer ${main}.`
    : '';
  if (rule.lastPushApproval)
    problems.push({
      fatal: true,
      summary: `${main} wants the most recent push approved by someone other than its pusher: the line pushes and approves as one identity, so GitHub would refuse every merge it makes.`,
      fix: `Untick "Require approval of the most recent reviewable push" (${where}).`,
    });
  if (rule.codeOwners)
    problems.push({
      fatal: false,
      summary: `${main} requires a review from code owners, which the line's approval is not: each PR that changes a file CODEOWNERS assigns to someone parks merge-refused until they approve it.`,
      fix: `Untick "Require review from Code Owners" (${where}), or have owners approve such PRs and set state:merge.${again}`,
    });
  if (rule.approvals > 1)
    problems.push({
      fatal: false,
      summary: `${main} requires ${String(rule.approvals)} approving reviews and the line gives one: each PR parks merge-refused until people add the rest.`,
      fix: `Require 1 approving review (${where}), or approve each parked PR and set state:merge.${again}`,
    });
  // Whatever the count, a dismissed approval no longer counts for the line's own guardrail either.
  if (rule.dismissStale)
    problems.push({
      fatal: false,
      summary: `${main} dismisses stale approvals: each time the merge brings a PR up to date with a newer ${main}, GitHub dismisses the line's approval and the line has the rebased head reviewed again, one more code-review session each time; on a busy ${main} a PR may park retries-exhausted.`,
      fix: `Untick "Dismiss stale pull request approvals when new commits are pushed" (${where}) to let an approval carry over a rebase that leaves the change as it is (ADR 0004).`,
    });
  return problems;
}

/** The actions the workflows use besides their own, pinned by SHA. */
const THIRD_PARTY_ACTIONS =
  'actions/checkout, actions/setup-node, actions/upload-artifact, actions/download-artifact and pnpm/action-setup';

/** No stage runs where Actions are off (a fork starts so), or where its actions are not allowed. */
export function checkActionsAllowed(read: SettingRead<ActionsAllowed>, repo: RepoNames): Finding {
  const where = 'Settings → Actions → General → Actions permissions';
  const allowAll = `gh api -X PUT repos/${repo.slug}/actions/permissions -F enabled=true -f allowed_actions=all`;
  if (!read.ok) return unreadable('actions', 'whether Actions may run', read, where);
  if (!read.value.enabled)
    return {
      id: 'actions',
      level: 'fail',
      summary: `Actions are disabled for ${repo.slug}: no stage of the line can run.`,
      fix: `Enable them on the repository's Actions tab (a fork starts with them disabled) or under ${where}, or run: ${allowAll}`,
    };
  switch (read.value.allowedActions) {
    case 'all':
      return { id: 'actions', level: 'ok', summary: 'Actions may run, with any action.' };
    case 'selected':
      return {
        id: 'actions',
        level: 'warn',
        summary: `Actions may run only selected actions; the workflows also use ${THIRD_PARTY_ACTIONS}.`,
        fix: `Allow actions created by GitHub and pnpm/action-setup under ${where}.`,
      };
    case undefined:
      return {
        id: 'actions',
        level: 'warn',
        summary: 'Actions may run, but GitHub did not say which actions they may use.',
        fix: `Check under ${where} that ${THIRD_PARTY_ACTIONS} are allowed.`,
      };
    case 'local_only':
      return {
        id: 'actions',
        level: 'fail',
        summary: `Actions may run only this repository's own actions, but the workflows also use ${THIRD_PARTY_ACTIONS}: every job that needs one fails.`,
        fix: `Allow them under ${where}, or run: ${allowAll}`,
      };
  }
}

/** The line squash-merges every PR: a repository that forbids it refuses each merge at the end. */
export function checkSquashMerge(read: SettingRead<boolean>, repo: RepoNames): Finding {
  const where = 'Settings → General → Pull Requests';
  if (!read.ok) return unreadable('squash-merge', 'whether squash merging is allowed', read, where);
  if (read.value) return { id: 'squash-merge', level: 'ok', summary: 'Squash merging is allowed.' };
  return {
    id: 'squash-merge',
    level: 'fail',
    summary: `${repo.slug} does not allow squash merging, the only method the line merges with: every PR would park merge-refused after its whole run.`,
    fix: `Tick "Allow squash merging" under ${where}, or run: gh api -X PATCH repos/${repo.slug} -F allow_squash_merge=true`,
  };
}

/** A branch named as `factory queue` names a spec's: GitHub answers which rules would apply. */
export const SPEC_BRANCH_PROBE = 'spec/0001-example';

/**
 * Ruleset rules on a spec branch that refuse the line's pushes, and why. A rule against force
 * pushes is not one: the merge then merges main in rather than rebase (ADR 0011).
 */
const RULES_AGAINST_PUSHES: Readonly<Record<string, string>> = {
  required_signatures: 'signed commits (the line’s are not)',
  update: 'no updates',
};

/**
 * The line pushes to a PR's branch (the plan, each patch, the merge's update): a ruleset that
 * refuses those pushes parks each PR `push-refused`. GitHub answers which rules apply to a branch
 * by its name, so doctor asks for a spec branch's.
 */
export function checkPushRules(
  read: SettingRead<readonly string[]>,
  repo: RepoNames,
  branch = SPEC_BRANCH_PROBE,
): Finding {
  const where = 'Settings → Rules → Rulesets (and the organization’s rulesets)';
  if (!read.ok)
    return unreadable('push-rules', `the rules on a branch like ${branch}`, read, where);
  const against = read.value.flatMap((type) => RULES_AGAINST_PUSHES[type] ?? []);
  if (against.length === 0)
    return {
      id: 'push-rules',
      level: 'ok',
      summary: `No ruleset refuses the line's pushes to a spec branch (${branch}).`,
    };
  return {
    id: 'push-rules',
    level: 'fail',
    summary: `Rulesets on spec branches such as ${branch} require ${against.join('; ')}: GitHub would refuse those pushes, and each PR would park push-refused.`,
    fix: `Target those rules at ${repo.defaultBranch} alone, where GitHub makes the squash merges itself, or exclude the spec branches from them, under ${where}.`,
  };
}

/**
 * The stages dispatch each other on, and merge into, the branch the configuration names; CI's push
 * trigger names one too. Only GitHub's default branch holds the floor the line runs.
 */
export function checkDefaultBranch(config: FactoryConfig, repo: RepoNames): Finding {
  if (config.defaultBranch === repo.defaultBranch)
    return {
      id: 'default-branch',
      level: 'ok',
      summary: `Default branch: ${repo.defaultBranch}, as the configuration says.`,
    };
  return {
    id: 'default-branch',
    level: 'fail',
    summary: `factory.config.yaml names ${config.defaultBranch} as the default branch, but ${repo.slug}'s is ${repo.defaultBranch}: the line would dispatch its stages on ${config.defaultBranch} and rebase onto it.`,
    fix: `Set \`defaultBranch: ${repo.defaultBranch}\` in factory.config.yaml, change \`branches: [main]\` in .github/workflows/ci.yml to ${repo.defaultBranch} as well, and push both to ${repo.defaultBranch}.`,
  };
}

export function checkIdentity(): Finding {
  return {
    id: 'identity',
    level: 'ok',
    summary:
      "Identity: the default GITHUB_TOKEN. The line dispatches every next stage itself; a rebase that carries changes under .github/workflows/ is done on GitHub's side and otherwise parks (workflow-change-needs-app).",
  };
}

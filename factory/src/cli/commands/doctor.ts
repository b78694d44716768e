/**
 * `factory doctor`: checks that a repository is set up for the line — workflows, Actions
 * permissions, the model secret, the token's rights, labels, branch protection, the rules on spec
 * branches, the default branch, identity — and
 * says for each what is wrong and how to fix it. Exit code: 1 on any failure; warnings exit 0
 * (the line can run), or 1 with `--strict`.
 */
import { Command } from '@commander-js/extra-typings';
import { ConfigError } from '../../core/config-file.ts';
import {
  apiUrlOption,
  connect,
  jsonOption,
  repoOption,
  type CliDeps,
  type Connection,
  type ConnectionFlags,
} from '../connection.ts';
import { runGuarded, type SetExitCode } from '../guard.ts';
import { colorsFor, type CliIo } from '../io.ts';
import {
  checkActionsAllowed,
  checkBranchProtection,
  checkDefaultBranch,
  checkSquashMerge,
  checkReviewRules,
  checkIdentity,
  checkLabels,
  checkModelSecret,
  checkPushRules,
  checkTokenPermission,
  checkWorkflowPermissions,
  worstLevel,
  SPEC_BRANCH_PROBE,
  type Finding,
  type Level,
} from './doctor-checks.ts';
import {
  checkWorkflows,
  localUsesOf,
  workflowMisfits,
  REQUIRED_WORKFLOWS,
  WORKFLOWS_DIR,
  type WorkflowFacts,
} from './doctor-workflows.ts';

export interface DoctorFlags extends ConnectionFlags {
  readonly json?: boolean;
  readonly strict?: boolean;
}

/** Reads everything the checks need (reads only: doctor never writes) and runs them. */
export async function diagnose(connection: Connection): Promise<Finding[]> {
  const { admin, github, config, repository } = connection;
  const repo = {
    slug: `${repository.owner}/${repository.name}`,
    defaultBranch: repository.defaultBranch,
  };
  const [workflows, actions, permissions, squash, secrets, viewer, labels, protection, rules] =
    await Promise.all([
      readWorkflowFacts(connection),
      admin.readActionsAllowed(),
      admin.readWorkflowPermissions(),
      admin.readSquashMergeAllowed(),
      admin.listSecretNames(),
      admin.readViewer(),
      admin.listLabels(),
      admin.readBranchProtection(repository.defaultBranch),
      admin.readBranchRuleTypes(SPEC_BRANCH_PROBE),
    ]);
  const permission = viewer.ok ? await github.permissionOf(viewer.value) : undefined;
  return [
    checkWorkflows(workflows, repo),
    checkActionsAllowed(actions, repo),
    checkWorkflowPermissions(permissions, repo),
    checkSquashMerge(squash, repo),
    checkModelSecret(secrets, repo),
    checkTokenPermission(viewer, permission, repo),
    checkLabels(labels),
    checkBranchProtection(protection, config, repo),
    checkReviewRules(protection, repo),
    checkPushRules(rules, repo),
    checkDefaultBranch(config, repo),
    checkIdentity(),
  ];
}

/** The workflows on the default branch, and whether what the required ones call is there. */
async function readWorkflowFacts(connection: Connection): Promise<WorkflowFacts> {
  const { admin, github, repository } = connection;
  const branch = repository.defaultBranch;
  const present = await admin.listDirectory(WORKFLOWS_DIR, branch);
  const required = present.filter((path) =>
    REQUIRED_WORKFLOWS.includes(path.slice(WORKFLOWS_DIR.length + 1)),
  );
  const texts = await Promise.all(required.map((path) => github.readFile(path, branch)));
  const calls = required.flatMap((caller, index) =>
    localUsesOf(texts[index]?.text ?? '').map((path) => ({ caller, path })),
  );
  const callees = new Map<string, { caller: string; exists: boolean }>();
  for (const { caller, path } of calls) {
    if (callees.has(path)) continue;
    // A workflow is a file; a local action is a folder holding action.yml (or .yaml).
    const exists = path.startsWith(`${WORKFLOWS_DIR}/`)
      ? present.includes(path)
      : (await admin.listDirectory(path, branch)).some((entry) => /\/action\.ya?ml$/.test(entry));
    callees.set(path, { caller, exists });
  }
  const misfits = required.flatMap((path, index) =>
    workflowMisfits(path, texts[index]?.text ?? ''),
  );
  return { present, callees, misfits };
}

/** Runs doctor; returns the exit code. */
export function runDoctor(flags: DoctorFlags, deps: CliDeps): Promise<number> {
  return runGuarded(deps.io, async () => {
    let connection: Connection;
    try {
      connection = await connect(flags, deps);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // A broken config is itself a finding: the line would fail on it too.
      const finding: Finding = {
        id: 'config',
        level: 'fail',
        summary: error.message,
        fix: 'Fix the listed keys (docs/reference/configuration.md describes each) and push to the default branch.',
      };
      return report([finding], flags, deps.io, undefined);
    }
    const findings = await diagnose(connection);
    const config: Finding = {
      id: 'config',
      level: 'ok',
      summary: `Configuration: ${connection.configSource}.`,
    };
    return report([config, ...findings], flags, deps.io, connection);
  });
}

function report(
  findings: readonly Finding[],
  flags: DoctorFlags,
  io: CliIo,
  connection: Connection | undefined,
): number {
  const worst = worstLevel(findings);
  const code = worst === 'fail' || (worst === 'warn' && flags.strict === true) ? 1 : 0;
  const repository =
    connection === undefined
      ? undefined
      : `${connection.repository.owner}/${connection.repository.name}`;
  if (flags.json === true) {
    io.out(JSON.stringify({ repository, worst, findings }, null, 2));
    return code;
  }
  const c = colorsFor(io);
  const mark: Record<Level, string> = {
    ok: c.green('ok  '),
    warn: c.yellow('warn'),
    fail: c.red('fail'),
  };
  if (repository !== undefined) io.out(c.bold(`Checking ${repository}`));
  for (const finding of findings) {
    io.out(`${mark[finding.level]}  ${finding.id.padEnd(19)} ${finding.summary}`);
    if (finding.fix !== undefined)
      io.out(`      ${' '.repeat(19)} ${c.dim('fix:')} ${finding.fix}`);
  }
  const counts = (level: Level) => findings.filter((finding) => finding.level === level).length;
  io.out(
    `${String(counts('ok'))} ok, ${String(counts('warn'))} warning(s), ${String(counts('fail'))} failure(s)`,
  );
  return code;
}

export function doctorCommand(deps: CliDeps, setExitCode: SetExitCode) {
  return new Command('doctor')
    .description('Check that a repository is set up for the line, and say how to fix what is not')
    .addOption(repoOption())
    .addOption(apiUrlOption())
    .addOption(jsonOption())
    .option('--strict', 'exit 1 on warnings too')
    .addHelpText(
      'after',
      `
Checks: stage workflows on the default branch; Actions enabled, with the actions the workflows
use; Actions allowed to create and approve pull requests; squash merging allowed; the ANTHROPIC_API_KEY secret; the token's write permission; the state:* labels;
branch protection against requiredChecks; its review rules against the one approval the line
gives; the configured default branch against GitHub's; the identity mode. Doctor only reads.

Exit code: 0 when everything is ok or only warnings remain (1 with --strict), 1 on any failure.
Some settings are only readable with an admin's token; without one they show as warnings.

Examples:
  $ GH_TOKEN=$(gh auth token) pnpm factory doctor
  $ pnpm factory doctor --repo acme/widgets --json | jq '.findings[] | select(.level != "ok")'`,
    )
    .action(async (options) => {
      setExitCode(await runDoctor(options, deps));
    });
}

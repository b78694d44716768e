/**
 * `factory labels sync`: makes the repository's `state:*` labels match the line's table (names,
 * colours, descriptions), creating what is missing and updating what drifted.
 */
import { Command } from '@commander-js/extra-typings';
import type { RepositoryLabel } from '../../adapters/github/index.ts';
import { STATE_LABELS, type LabelSpec } from '../../core/states.ts';
import {
  apiUrlOption,
  connect,
  jsonOption,
  repoOption,
  type CliDeps,
  type ConnectionFlags,
} from '../connection.ts';
import { runGuarded, type SetExitCode } from '../guard.ts';
import { colorsFor } from '../io.ts';

export interface LabelSyncPlan {
  readonly create: readonly LabelSpec[];
  readonly update: readonly LabelSpec[];
  readonly unchanged: readonly LabelSpec[];
}

/**
 * What a sync must do. GitHub matches label names without case, so `State:Queued` is the same
 * label as `state:queued`: it is updated (and renamed to the exact name), not duplicated.
 */
export function planLabelSync(
  existing: readonly RepositoryLabel[],
  wanted: readonly LabelSpec[] = STATE_LABELS,
): LabelSyncPlan {
  const byName = new Map(existing.map((label) => [label.name.toLowerCase(), label]));
  const create: LabelSpec[] = [];
  const update: LabelSpec[] = [];
  const unchanged: LabelSpec[] = [];
  for (const label of wanted) {
    const found = byName.get(label.name.toLowerCase());
    if (found === undefined) create.push(label);
    else if (isSame(found, label)) unchanged.push(label);
    else update.push(label);
  }
  return { create, update, unchanged };
}

function isSame(found: RepositoryLabel, wanted: LabelSpec): boolean {
  return (
    found.name === wanted.name &&
    found.color.toLowerCase() === wanted.color &&
    found.description === wanted.description
  );
}

export interface LabelsSyncFlags extends ConnectionFlags {
  readonly json?: boolean;
  readonly dryRun?: boolean;
}

/** Runs the sync; returns the exit code. */
export function runLabelsSync(flags: LabelsSyncFlags, deps: CliDeps): Promise<number> {
  return runGuarded(deps.io, async () => {
    const { admin, repository } = await connect(flags, deps);
    const plan = planLabelSync(await admin.listLabels());
    if (flags.dryRun !== true) {
      for (const label of plan.create) await admin.createLabel(label);
      for (const label of plan.update) await admin.updateLabel(label);
    }
    const names = (labels: readonly LabelSpec[]) => labels.map((label) => label.name);
    if (flags.json === true) {
      deps.io.out(
        JSON.stringify({
          repository: `${repository.owner}/${repository.name}`,
          dryRun: flags.dryRun === true,
          created: names(plan.create),
          updated: names(plan.update),
          unchanged: names(plan.unchanged),
        }),
      );
      return 0;
    }
    const c = colorsFor(deps.io);
    const verb = flags.dryRun === true ? 'would ' : '';
    const line = (mark: string, word: string, labels: readonly LabelSpec[]) => {
      for (const label of labels) deps.io.out(`${mark} ${verb}${word} ${label.name}`);
    };
    line(c.green('+'), flags.dryRun === true ? 'create' : 'created', plan.create);
    line(c.yellow('~'), flags.dryRun === true ? 'update' : 'updated', plan.update);
    const [created, updated] =
      flags.dryRun === true ? ['to create', 'to update'] : ['created', 'updated'];
    deps.io.out(
      `${String(plan.create.length)} ${created}, ${String(plan.update.length)} ${updated}, ` +
        `${String(plan.unchanged.length)} unchanged on ${repository.owner}/${repository.name}`,
    );
    return 0;
  });
}

export function labelsCommand(deps: CliDeps, setExitCode: SetExitCode) {
  const sync = new Command('sync')
    .description('Create or update the state:* labels (names, colours, descriptions)')
    .addOption(repoOption())
    .addOption(apiUrlOption())
    .addOption(jsonOption())
    .option('--dry-run', 'show what would change, change nothing')
    .addHelpText(
      'after',
      `
Examples:
  $ pnpm factory labels sync
  $ pnpm factory labels sync --repo acme/widgets --dry-run
  $ pnpm factory labels sync --json`,
    )
    .action(async (options) => {
      setExitCode(await runLabelsSync(options, deps));
    });
  return new Command('labels')
    .description('Manage the state:* labels the line moves pull requests with')
    .addCommand(sync);
}

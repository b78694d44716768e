/**
 * `factory resume <pr> [--from <stage>]`: puts a parked PR back on the line by setting the state
 * label as the person running the command, in one label write. That move is a person's, so the
 * stage's attempts count again from it (design §2), and on GitHub it starts the stage's workflow.
 */
import { Command, InvalidArgumentError } from '@commander-js/extra-typings';
import type { Ledger } from '../../core/status.ts';
import { parseLedger } from '../../core/status.ts';
import { labelOf, statesIn, WORKING_STATES, type State } from '../../core/states.ts';
import {
  apiUrlOption,
  CliError,
  connect,
  jsonOption,
  repoOption,
  type CliDeps,
  type ConnectionFlags,
} from '../connection.ts';
import { runGuarded, type SetExitCode } from '../guard.ts';
import { defaultResumeStage } from '../line-status.ts';
import { colorsFor } from '../io.ts';

/** Where a parked PR may restart: the queue (to be scheduled and linted again) or any stage. */
export const RESUMABLE_STATES: readonly State[] = ['queued', ...WORKING_STATES];

export interface ResumeFlags extends ConnectionFlags {
  readonly from?: string;
  readonly json?: boolean;
}

/** `"12"` or `"#12"` → 12; anything else is refused before any request. */
export function parsePrNumber(text: string): number {
  const match = /^#?(\d+)$/.exec(text.trim());
  const number = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new CliError(`"${text}" is not a pull request number (e.g. 12 or #12).`);
  }
  return number;
}

function parseStage(text: string): State {
  const found = RESUMABLE_STATES.find((state) => state === text || labelOf(state) === text);
  if (found === undefined) {
    throw new CliError(
      `"${text}" is not a stage. Resume from one of: ${RESUMABLE_STATES.join(', ')}.`,
    );
  }
  return found;
}

/** The stage to resume from: the one asked for, else the default for how the PR parked. */
export function chooseResumeStage(from: string | undefined, ledger: Ledger): State {
  if (from !== undefined) return parseStage(from);
  const stage = defaultResumeStage(ledger.park);
  if (stage !== undefined) return stage;
  throw new CliError(
    'The status comment does not say which stage the PR parked in: pass --from <stage>.',
  );
}

export function runResume(prText: string, flags: ResumeFlags, deps: CliDeps): Promise<number> {
  return runGuarded(deps.io, async () => {
    const number = parsePrNumber(prText);
    if (flags.from !== undefined) parseStage(flags.from);
    const { github, repository } = await connect(flags, deps);
    const slug = `${repository.owner}/${repository.name}`;
    const pr = await github.readPullRequest(number);
    if (pr === undefined)
      throw new CliError(`There is no pull request #${String(number)} on ${slug}.`);
    if (!pr.open)
      throw new CliError(
        `#${String(number)} is ${pr.merged ? 'merged' : 'closed'}: only open PRs can be resumed.`,
      );
    const states = statesIn(pr.labels);
    if (states.length !== 1 || states[0] !== 'needs-attention') {
      const where =
        states.length === 0 ? 'not on the line' : `at ${states.map(labelOf).join(', ')}`;
      throw new CliError(
        `#${String(number)} is not parked (it is ${where}): only a PR at ${labelOf('needs-attention')} can be resumed.`,
      );
    }
    const ledger = parseLedger((await github.readStatusComment(number))?.body);
    const to = chooseResumeStage(flags.from, ledger);
    await github.setState(number, pr.labels, to);
    if (flags.json === true) {
      deps.io.out(JSON.stringify({ repository: slug, pr: number, from: to, label: labelOf(to) }));
    } else {
      const c = colorsFor(deps.io);
      deps.io.out(
        `${c.green('✓')} #${String(number)} is back on the line at ${c.bold(labelOf(to))}; attempts count again from this move.`,
      );
    }
    return 0;
  });
}

export function resumeCommand(deps: CliDeps, setExitCode: SetExitCode) {
  return new Command('resume')
    .description(
      'Put a parked pull request back on the line, from the stage it parked in or another',
    )
    .argument('<pr>', 'the parked pull request, e.g. 12', (value) => {
      if (!/^#?\d+$/.test(value.trim()))
        throw new InvalidArgumentError('expected a PR number such as 12');
      return value;
    })
    .addOption(repoOption())
    .addOption(apiUrlOption())
    .addOption(jsonOption())
    .option('--from <stage>', `stage to restart from: ${RESUMABLE_STATES.join(', ')}`)
    .addHelpText(
      'after',
      `
Sets the PR's state label in one write, as you: on GitHub that starts the stage's workflow,
and the stage's attempts count again from your move. Without --from, the PR restarts in the
stage the status comment says it parked in. Fix what the park reason says first.

Examples:
  $ pnpm factory resume 12
  $ pnpm factory resume 12 --from plan
  $ pnpm factory resume '#12' --from implementation-ci --repo acme/widgets`,
    )
    .action(async (pr, options) => {
      setExitCode(await runResume(pr, options, deps));
    });
}

/**
 * The `factory` command's program: a thin list of registrations, each command built in its own
 * file. Built by a function so tests (and the README check) can inspect it without running it.
 */
import { Command } from '@commander-js/extra-typings';
import { demoCommand } from './commands/demo.ts';
import { addDocsCommand } from './commands/docs.ts';
import { doctorCommand } from './commands/doctor.ts';
import { addInitCommand } from './commands/init.ts';
import { labelsCommand } from './commands/labels.ts';
import { lintCommand } from './commands/lint.ts';
import { queueCommand } from './commands/queue.ts';
import { rehearseCommand } from './commands/rehearse.ts';
import { resumeCommand } from './commands/resume.ts';
import { statusCommand } from './commands/status.ts';
import { twinCommand } from './commands/twin.ts';
import type { CliDeps } from './connection.ts';

/** Builds the whole command tree; `setExitCode` receives each action's exit code. */
export function buildProgram(deps: CliDeps, setExitCode: (code: number) => void): Command {
  const program = new Command()
    .name('factory')
    .description(
      'Run and operate the software factory: a spec goes in, reviewed and merged code comes out.',
    )
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Commands that talk to GitHub read the token from GH_TOKEN or GITHUB_TOKEN, the repository from
--repo or the checkout's origin remote, and the API from --api-url or GITHUB_API_URL.

Examples:
  $ pnpm factory doctor
  $ pnpm factory queue specs/0002-export-csv.md
  $ pnpm factory status`,
    );

  addInitCommand(program);
  addDocsCommand(program);
  program.addCommand(labelsCommand(deps, setExitCode));
  program.addCommand(doctorCommand(deps, setExitCode));
  program.addCommand(lintCommand(deps, setExitCode));
  program.addCommand(queueCommand(deps, setExitCode));
  program.addCommand(statusCommand(deps, setExitCode));
  program.addCommand(resumeCommand(deps, setExitCode));
  program.addCommand(rehearseCommand(deps, setExitCode));
  program.addCommand(demoCommand(deps, setExitCode));
  program.addCommand(twinCommand(setExitCode));
  return program;
}

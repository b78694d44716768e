/**
 * The `factory` command. Thin: a list of registrations, each command built in its own file, and
 * the exit code its action reports.
 */
import { Command } from '@commander-js/extra-typings';
import { demoCommand } from './commands/demo.ts';
import { addDocsCommand } from './commands/docs.ts';
import { doctorCommand } from './commands/doctor.ts';
import { addInitCommand } from './commands/init.ts';
import { labelsCommand } from './commands/labels.ts';
import { lintCommand } from './commands/lint.ts';
import { queueCommand } from './commands/queue.ts';
import { resumeCommand } from './commands/resume.ts';
import { statusCommand } from './commands/status.ts';
import { twinCommand } from './commands/twin.ts';
import type { CliDeps } from './connection.ts';
import { processIo } from './io.ts';

// pnpm runs the script from factory/; INIT_CWD is where the person typed `pnpm factory`.
const deps: CliDeps = {
  io: processIo(),
  env: process.env,
  cwd: process.env.INIT_CWD ?? process.cwd(),
};
const setExitCode = (code: number) => {
  process.exitCode = code;
};

const program = new Command()
  .name('factory')
  .description(
    'Run and operate the software factory: a spec goes in, reviewed and merged code comes out.',
  )
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Commands that talk to GitHub read the token from GITHUB_TOKEN or GH_TOKEN, the repository from
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
program.addCommand(demoCommand(deps, setExitCode));
program.addCommand(twinCommand(setExitCode));

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`factory: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

/**
 * The `factory` command. Thin: parse the command line, call one command, exit with its code.
 */
import { Command } from '@commander-js/extra-typings';
import { addInitCommand } from './commands/init.ts';
import { runTwinCommand } from './commands/twin.ts';
import { findRepoRoot } from './repo-root.ts';

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => {
      resolve();
    });
    process.once('SIGTERM', () => {
      resolve();
    });
  });
}

const program = new Command()
  .name('factory')
  .description(
    'Run and operate the software factory: a spec goes in, reviewed and merged code comes out.',
  )
  .showHelpAfterError();

program
  .command('twin')
  .description(
    'Start the offline twin (forge, Actions runner, model server) seeded from this checkout',
  )
  .action(async () => {
    process.exitCode = await runTwinCommand(findRepoRoot(), {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      untilStopped: untilSignalled(),
    });
  });

addInitCommand(program);

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`factory: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

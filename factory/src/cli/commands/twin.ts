/**
 * `factory twin`: start the offline twin seeded from this checkout, print how to reach it as one
 * JSON line, and serve until interrupted. Scripts read the line; people point `gh`, Octokit or
 * the SDK at the printed URLs.
 */
import { Command } from '@commander-js/extra-typings';
import { startTwin } from '../../twin/index.ts';
import type { SetExitCode } from '../guard.ts';
import { findRepoRoot } from '../repo-root.ts';

export interface TwinCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves when the command should stop (SIGINT/SIGTERM in the CLI). */
  readonly untilStopped: Promise<void>;
}

export async function runTwinCommand(repoRoot: string, io: TwinCommandIo): Promise<number> {
  const started = performance.now();
  const twin = await startTwin({ seedDir: repoRoot });
  try {
    io.out(JSON.stringify(twin.info));
    io.err(`twin ready in ${Math.round(performance.now() - started)} ms; Ctrl-C to stop`);
    await io.untilStopped;
    return 0;
  } finally {
    await twin.close();
  }
}

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

export function twinCommand(setExitCode: SetExitCode) {
  return new Command('twin')
    .description(
      'Start the offline twin (forge, Actions runner, model server) seeded from this checkout',
    )
    .addHelpText(
      'after',
      `
Prints one JSON line with the twin's URLs and tokens, then serves until Ctrl-C.

Examples:
  $ pnpm factory twin
  $ pnpm factory twin | head -n 1 | jq -r .forge`,
    )
    .action(async () => {
      setExitCode(
        await runTwinCommand(findRepoRoot(), {
          out: (line) => process.stdout.write(`${line}\n`),
          err: (line) => process.stderr.write(`${line}\n`),
          untilStopped: untilSignalled(),
        }),
      );
    });
}

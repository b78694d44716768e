/**
 * Every command's outer edge: expected failures (a refusal, a bad config file, GitHub saying no)
 * become one clear line on stderr and exit code 1; anything else is a bug and keeps its stack.
 */
import { GitHubError } from '../adapters/github/index.ts';
import { ConfigError } from '../core/config-file.ts';
import { CliError } from './connection.ts';
import { colorsFor, type CliIo } from './io.ts';

export async function runGuarded(io: CliIo, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError || error instanceof GitHubError) {
      io.err(`${colorsFor(io).red('error')}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Exit code handling for commander actions: the code becomes the process's exit code. */
export type SetExitCode = (code: number) => void;

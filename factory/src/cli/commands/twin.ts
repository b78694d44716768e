/**
 * `factory twin`: start the offline twin seeded from this checkout, print how to reach it as one
 * JSON line, and serve until interrupted. Scripts read the line; people point `gh`, Octokit or
 * the SDK at the printed URLs.
 */
import { startTwin } from '../../twin/index.ts';

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

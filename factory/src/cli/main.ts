/**
 * The `factory` command. Thin: build the program, run it, exit with the code its action reports.
 */
import { buildProgram } from './program.ts';
import { processIo } from './io.ts';

// pnpm runs the script from factory/; INIT_CWD is where the person typed `pnpm factory`.
const program = buildProgram(
  { io: processIo(), env: process.env, cwd: process.env.INIT_CWD ?? process.cwd() },
  (code) => {
    process.exitCode = code;
  },
);

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`factory: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

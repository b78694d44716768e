/**
 * `factory rehearse <spec>`: the whole line on this machine, against the offline forge and runner,
 * with the real model API — so a change to a prompt, a principle or an ADR can be tried on a real
 * spec before it is pushed. Shows each stage and the cost so far, and keeps the resulting
 * repository and the agents' transcripts to inspect.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { probeSandbox, type SandboxStatus } from '../../agent/sandbox.ts';
import { runDemo, type DemoStage } from '../../demo/run-demo.ts';
import type { CliDeps } from '../connection.ts';
import type { SetExitCode } from '../guard.ts';
import { colorsFor, type CliIo } from '../io.ts';
import { findRepoRoot } from '../repo-root.ts';

export interface RehearseInput {
  readonly specPath: string;
  readonly repoRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  /** Whether the implementer's checks can run here (bubblewrap); probed by default. */
  readonly sandbox?: () => Promise<SandboxStatus>;
}

export async function runRehearse(input: RehearseInput, io: CliIo): Promise<number> {
  const c = colorsFor(io);
  const apiKey = input.env.ANTHROPIC_API_KEY ?? '';
  if (apiKey === '') {
    io.err(
      c.red(
        'factory rehearse: ANTHROPIC_API_KEY is not set. A rehearsal runs the real model API (and spends real money); set the key, or run `pnpm factory demo` for the offline, scripted line.',
      ),
    );
    return 1;
  }
  const specPath = relative(input.repoRoot, resolve(input.repoRoot, input.specPath));
  if (!existsSync(join(input.repoRoot, specPath))) {
    io.err(c.red(`factory rehearse: ${input.specPath} does not exist in this checkout.`));
    return 1;
  }
  // Without a sandbox the implementer may not run a single check: the rehearsal would spend real
  // money to show a line that cannot work here.
  const sandbox = await (input.sandbox ?? probeSandbox)();
  if (!sandbox.usable) {
    io.err(
      c.red(
        `factory rehearse: the implementer's checks run in a sandbox, and none is usable here (${sandbox.reason}). Install bubblewrap and allow unprivileged user namespaces (the README's prerequisites), then rehearse again.`,
      ),
    );
    return 1;
  }
  const stamp = input.now().toISOString().replace(/[:.]/g, '-');
  const keepDir = join(input.repoRoot, '.factory', 'rehearsals', stamp);
  io.err(
    c.bold(
      `Rehearsing ${specPath} with the real model API; keeping everything in ${relative(input.repoRoot, keepDir)}/`,
    ),
  );
  let spent = 0;
  const result = await runDemo({
    repoRoot: input.repoRoot,
    specPath,
    apiKey,
    keepDir,
    onStage: (stage: DemoStage) => {
      spent += stage.dollars;
      io.err(
        `${stage.stage.padEnd(18)} ${stage.conclusion}  ${c.dim(`$${spent.toFixed(2)} so far`)}`,
      );
    },
  });
  io.out(
    [
      '',
      result.outcome === 'merged'
        ? c.green(
            `PR #${String(result.pr)} merged in ${(result.ms / 1000).toFixed(0)} s, $${spent.toFixed(2)}.`,
          )
        : c.red(`PR #${String(result.pr)} ${result.outcome}: ${result.reason ?? ''}`),
      `Repository: git clone ${relative(input.repoRoot, join(keepDir, 'repo.git'))}`,
      `Transcripts: ${relative(input.repoRoot, join(keepDir, 'runner', 'runs'))}/*/artifacts/outcome/transcript.jsonl`,
    ].join('\n'),
  );
  return result.outcome === 'merged' ? 0 : 1;
}

export function rehearseCommand(deps: CliDeps, setExitCode: SetExitCode) {
  return new Command('rehearse')
    .description('Run the whole line on this machine for a spec, with the real model API')
    .argument('<spec-path>', 'the spec to rehearse, e.g. specs/0002-export-csv.md')
    .addHelpText(
      'after',
      `
Needs ANTHROPIC_API_KEY (real spend). Runs this checkout's workflows, prompts and principles
against the offline forge, so a floor change can be tried before it is pushed. Keeps the resulting
repository and the transcripts under .factory/rehearsals/.

Examples:
  $ ANTHROPIC_API_KEY=sk-ant-... pnpm factory rehearse specs/0002-export-csv.md`,
    )
    .action(async (specPath) => {
      setExitCode(
        await runRehearse(
          { specPath, repoRoot: findRepoRoot(deps.cwd), env: deps.env, now: () => new Date() },
          deps.io,
        ),
      );
    });
}

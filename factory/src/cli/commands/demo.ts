/**
 * `factory demo`: the whole line on this machine, on the example spec, with a scripted model.
 * People watch it stage by stage; scripts read one JSON object with `--json`. Exit code 0 only
 * when the spec came out merged.
 */
import { Command } from '@commander-js/extra-typings';
import { runDemo, DEMO_SPEC, type DemoResult, type DemoStage } from '../../demo/run-demo.ts';
import type { CliDeps } from '../connection.ts';
import type { SetExitCode } from '../guard.ts';
import { colorsFor, type CliIo } from '../io.ts';
import { findRepoRoot } from '../repo-root.ts';

export interface DemoCommandOptions {
  readonly json?: boolean;
}

export async function runDemoCommand(
  repoRoot: string,
  options: DemoCommandOptions,
  io: CliIo,
  run: typeof runDemo = runDemo,
): Promise<number> {
  const c = colorsFor(io);
  if (options.json !== true) {
    io.err(c.bold(`Demo: ${DEMO_SPEC} through the whole line, offline.`));
    io.err(
      c.yellow(
        'The model is scripted: it plays fixed replies that implement this spec. Everything else is real —',
      ),
    );
    io.err(
      c.yellow(
        'the workflow files, the stage code, git, the sandboxed checks, the guardrails, the merge.',
      ),
    );
    io.err('');
  }
  const result = await run({
    repoRoot,
    ...(options.json === true
      ? {}
      : {
          onStage: (stage) => {
            io.err(formatStage(stage, io));
          },
        }),
  });
  if (options.json === true) io.out(JSON.stringify(result));
  else io.out(formatSummary(result, io));
  return result.outcome === 'merged' ? 0 : 1;
}

function formatStage(stage: DemoStage, io: CliIo): string {
  const c = colorsFor(io);
  const mark = stage.conclusion.startsWith('success') ? c.green('✔') : c.red('✘');
  const retried = stage.attempt > 1 && stage.stage !== 'scheduler' && stage.stage !== 'watchdog';
  const attempt = retried ? c.dim(` (attempt ${String(stage.attempt)})`) : '';
  const said = stage.conclusion.replace(/^\w+: /, '');
  return `${mark} ${stage.stage.padEnd(18)}${c.dim(seconds(stage.ms).padStart(7))}  ${said}${attempt}`;
}

function formatSummary(result: DemoResult, io: CliIo): string {
  const c = colorsFor(io);
  const headline =
    result.outcome === 'merged'
      ? c.green(c.bold(`PR #${String(result.pr)} merged.`))
      : c.red(c.bold(`PR #${String(result.pr)} ${result.outcome}: ${result.reason ?? ''}`));
  return [
    '',
    headline,
    `${String(result.stages.length)} stage runs · ${String(result.githubRequests)} GitHub API requests (+${String(result.gitRequests)} git) · ${String(result.modelRequests)} model requests · ${result.tokens.toLocaleString('en-US')} tokens · ${seconds(result.ms)}`,
  ].join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function demoCommand(deps: CliDeps, setExitCode: SetExitCode) {
  return new Command('demo')
    .description('Run the example spec through the whole line offline, with a scripted model')
    .option('--json', 'print one JSON object with the outcome, stages and counts')
    .addHelpText(
      'after',
      `
Seeds the offline twin from this checkout, opens ${DEMO_SPEC}'s pull request labelled
state:queued as a person with write permission, and lets the real workflows carry it through
plan, review, implementation, CI, code review and merge. Exit code 0 only when it merged.

Examples:
  $ pnpm factory demo
  $ pnpm factory demo --json | jq .outcome`,
    )
    .action(async (options) => {
      setExitCode(await runDemoCommand(findRepoRoot(deps.cwd), options, deps.io));
    });
}

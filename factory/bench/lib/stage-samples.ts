/**
 * The stage's own start-up, sampled where it runs: the demo goes through the twin as usual, but
 * each agent job's action is first started `count` more times, each start ended at its first model
 * request (`first-model-request.mjs`) and paired with a start of the libraries-alone probe right
 * before it. Pairs share the machine's mood of the moment, so their difference is the factory's own
 * work even on a machine whose speed drifts from one minute to the next.
 *
 * The sampled starts read the PR as the job does (with its read-only token), write their outcome
 * outside the workspace and their step outputs nowhere, and never send a model request; the job
 * then runs for real. What the samples print is kept, to say why one died.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { runDemo } from '../../src/demo/run-demo.ts';
import { AGENT_STAGES } from '../../src/stages/agent-job.ts';

const PRELOAD = fileURLToPath(new URL('first-model-request.mjs', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface SampleOptions {
  /** The Node the action runs on. */
  readonly node: string;
  /** Starts per agent stage, each paired with one of the probe. */
  readonly count: number;
  /** The libraries-alone probe, bundled, and the server that answers it. */
  readonly floorProbe: string;
  readonly probeUrl: string;
  /** A scratch directory for the wrapper and the samples. */
  readonly dir: string;
}

/** One agent stage's starts and the probe's, pair by pair, in ms from process start. */
export interface StageSamples {
  readonly stage: string;
  readonly stageMs: readonly number[];
  readonly floorMs: readonly number[];
}

const Sample = z.object({ label: z.string(), modelMs: z.number() });

export async function sampleStageStarts(options: SampleOptions): Promise<StageSamples[]> {
  const samplesFile = path.join(options.dir, 'samples.jsonl');
  await writeFile(samplesFile, '');
  const wrapper = path.join(options.dir, 'node-sampling');
  await writeFile(wrapper, wrapperScript(options, samplesFile));
  await chmod(wrapper, 0o755);
  const result = await runDemo({ repoRoot: REPO_ROOT, actionNode: wrapper });
  if (result.outcome !== 'merged')
    throw new Error(`the sampled demo ended ${result.outcome}: ${result.reason ?? 'no reason'}`);
  const samples = (await readFile(samplesFile, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => Sample.parse(JSON.parse(line)));
  const log = await readFile(path.join(options.dir, 'samples.log'), 'utf8').catch(() => '');
  return byStage(samples, options.count, log);
}

/**
 * A stand-in for `node` that samples agent jobs before running them. `INPUT_JOB` and
 * `INPUT_STAGE` are the action's inputs, as the runner passes them.
 */
function wrapperScript(options: SampleOptions, samplesFile: string): string {
  const node = quote(options.node);
  const preload = `--import ${quote(PRELOAD)}`;
  const log = `>>${quote(path.join(path.dirname(samplesFile), 'samples.log'))} 2>&1`;
  // A sample's step files go nowhere, so only the real run reports to the step.
  const into = [
    `STARTUP_SAMPLES_FILE=${quote(samplesFile)}`,
    ...['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_ENV'].map(
      (name) => `${name}=/dev/null`,
    ),
  ].join(' ');
  return [
    // bash, not sh: dash drops variables whose names are not identifiers, such as the action's
    // `INPUT_GITHUB-TOKEN`, from the environment it passes on.
    '#!/bin/bash',
    '# Written by bench/lib/stage-samples.ts.',
    'if [ "$INPUT_JOB" = agent ]; then',
    `  for _ in $(seq ${String(options.count)}); do`,
    `    ${into} STARTUP_SAMPLE_LABEL="floor:$INPUT_STAGE" PROBE_URL=${quote(options.probeUrl)} ${node} ${preload} ${quote(options.floorProbe)} ${log}`,
    `    ${into} STARTUP_SAMPLE_LABEL="stage:$INPUT_STAGE" INPUT_OUTCOME=../startup-sample ${node} ${preload} "$@" ${log}`,
    '  done',
    'fi',
    `exec ${node} "$@"`,
    '',
  ].join('\n');
}

const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

function byStage(
  samples: readonly z.infer<typeof Sample>[],
  count: number,
  log: string,
): StageSamples[] {
  return AGENT_STAGES.map((stage) => {
    const of = (kind: string) =>
      samples.filter((s) => s.label === `${kind}:${stage}`).map((s) => s.modelMs);
    const stageMs = of('stage');
    const floorMs = of('floor');
    // A start that died before its model request records nothing: say so, do not average it away.
    if (stageMs.length !== count || floorMs.length !== count)
      throw new Error(
        `${stage}: ${String(stageMs.length)} stage and ${String(floorMs.length)} probe starts of ${String(count)} reached a model request; the samples' output ends:\n${log.split('\n').slice(-20).join('\n')}`,
      );
    return { stage, stageMs, floorMs };
  });
}

/**
 * The line end to end: the demo (the example spec through every real workflow in the twin, with
 * the scripted model), measured. Prints the total time (goal ≤ 60 s), each stage's time, GitHub
 * requests per spec split into REST API calls (goal ≤ 40) and git transport, and each agent
 * stage's cold start: from its agent step starting, and from the action's process starting, to the
 * model receiving the first request (goal ≤ 0.3 s from process start, with no dependency install),
 * and how much of it the forge spent answering the job's reads. Numbers only.
 *
 * API requests are REST calls and GraphQL queries and mutations alike, one each.
 *
 * `BENCH_ACTION_NODE=/path/to/node` runs the stage action on that Node: GitHub runs it on Node 24,
 * the twin on its own Node otherwise.
 */
import { fileURLToPath } from 'node:url';
import { runDemo } from '../src/demo/run-demo.ts';
import type { Twin } from '../src/twin/index.ts';
import type { RunRecord } from '../src/twin/runner/index.ts';
import { actionNode } from './lib/action-node.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const ROLE_OF: Readonly<Record<string, string>> = {
  plan: 'planner',
  'plan-review': 'plan-reviewer',
  implementation: 'implementer',
  'code-review': 'code-reviewer',
};

interface Measured {
  readonly rest: Record<string, number>;
  readonly perJob: readonly { job: string; requests: number }[];
  readonly git: number;
  readonly coldStarts: readonly ColdStart[];
}

interface ColdStart {
  readonly stage: string;
  /** From the step starting (the runner's own work, then the process). */
  readonly fromStep: number;
  /** From the action's process being spawned. */
  readonly fromProcess: number;
  /** The forge's own time answering the job's reads. */
  readonly forgeMs: number;
}

export async function bench(): Promise<void> {
  let measured: Measured | undefined;
  const node = actionNode();
  const result = await runDemo({
    repoRoot: REPO_ROOT,
    ...(node.path === undefined ? {} : { actionNode: node.path }),
    inspect: (twin) => {
      measured = measure(twin);
      return Promise.resolve();
    },
  });
  if (measured === undefined) throw new Error('the demo ended before the twin was measured');
  const restTotal = Object.values(measured.rest).reduce((sum, n) => sum + n, 0);

  console.log(`outcome: ${result.outcome} in ${(result.ms / 1000).toFixed(1)} s (goal ≤ 60 s)`);
  for (const stage of result.stages)
    console.log(`  ${stage.stage.padEnd(18)} ${(stage.ms / 1000).toFixed(1).padStart(5)} s`);
  console.log(
    `GitHub requests per spec: ${String(restTotal)} API, REST and GraphQL (goal ≤ 40) + ${String(measured.git)} git transport`,
  );
  for (const [route, count] of Object.entries(measured.rest).sort((a, b) => b[1] - a[1]))
    console.log(`  ${String(count).padStart(3)} ${route}`);
  console.log('API requests per job:');
  for (const { job, requests } of measured.perJob)
    console.log(`  ${String(requests).padStart(3)} ${job}`);
  console.log(`model requests: ${String(result.modelRequests)}, tokens: ${String(result.tokens)}`);
  console.log(
    `agent start-up → first model request (goal ≤ 0.3 s from process start), the action on Node ${node.version}:`,
  );
  for (const cold of measured.coldStarts)
    console.log(
      `  ${cold.stage.padEnd(18)} from process start ${ms(cold.fromProcess)}, from step start ${ms(cold.fromStep)}; the forge answering the job's reads ${ms(cold.forgeMs)}`,
    );
}

const ms = (value: number): string => `${String(value).padStart(4)} ms`;

function measure(twin: Twin): Measured {
  const rest: Record<string, number> = {};
  let git = 0;
  const runs = twin.runner?.runs() ?? [];
  // The line's requests: those its jobs' tokens made (the spec lint is listed per job, apart).
  const lineTokens = new Set(
    runs
      .filter((run) => run.name !== 'spec lint')
      .flatMap((run) => run.jobs.map((job) => job.token?.jobTokenId)),
  );
  const requests = twin.forge.requestLog.entries();
  for (const entry of requests) {
    if (entry.jobTokenId === undefined || !lineTokens.has(entry.jobTokenId)) continue;
    if (entry.route.startsWith('git ')) git += 1;
    else rest[entry.route] = (rest[entry.route] ?? 0) + 1;
  }
  const perJob = runs.flatMap((run) =>
    run.jobs.flatMap((job) => {
      const id = job.token?.jobTokenId;
      if (id === undefined) return [];
      const made = requests.filter(
        (entry) => entry.jobTokenId === id && !entry.route.startsWith('git '),
      ).length;
      return [{ job: `${run.displayTitle} · ${job.name}`, requests: made }];
    }),
  );
  const coldStarts = Object.entries(ROLE_OF).flatMap(([stage, role]) => {
    const job = agentJob(runs, stage);
    const step = job?.steps.find((candidate) => candidate.name.includes('./.github/actions/stage'));
    const first = twin.model.requests.find((request) => request.role === role);
    if (step?.startedAt == null || step.processStartedAt === null || first === undefined) return [];
    const received = Date.parse(first.receivedAt);
    // The server's own time for the job's API reads (the R-02 re-read): GitHub's latency, not
    // the action's start-up. Only one agent job per stage runs in the demo, so all of its reads
    // come before the first model request.
    const forgeMs = requests
      .filter((entry) => entry.jobTokenId === job?.token?.jobTokenId)
      .filter((entry) => !entry.route.startsWith('git '))
      .reduce((sum, entry) => sum + entry.durationMs, 0);
    return [
      {
        stage,
        fromStep: received - Date.parse(step.startedAt),
        fromProcess: received - Date.parse(step.processStartedAt),
        forgeMs: Math.round(forgeMs),
      },
    ];
  });
  return { rest, perJob, git, coldStarts };
}

function agentJob(runs: readonly RunRecord[], stage: string) {
  const run = runs.find((candidate) => candidate.name === stage && candidate.jobs.length > 1);
  return run?.jobs.find((candidate) => candidate.key.endsWith('/agent'));
}

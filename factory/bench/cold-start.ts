/**
 * A stage's cold start (ADR 0005), on this machine. First the floor under it: how long Node takes
 * from spawn to a request, alone and with the libraries an agent job must load before its first
 * model request, on one thread and split across two. Then the stage itself: each agent job of the
 * demo started `STAGE_SAMPLES` more times in the twin, each start paired with one of the libraries
 * alone, so the pairs' difference is the factory's own work (goal: the stage ≤ 0.3 s from process
 * start). `bench/line.ts` measures each job's one real start. `BENCH_ACTION_NODE=/path/to/node`
 * runs all of it on another Node.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { actionNode } from './lib/action-node.ts';
import { sampleStageStarts, type StageSamples } from './lib/stage-samples.ts';

const FACTORY_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPAWNS = 15;
const STAGE_SAMPLES = 10;

const MESSAGE = {
  id: 'msg_probe',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-6',
  content: [{ type: 'text', text: 'ok' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
};

export async function bench(): Promise<void> {
  const node = actionNode();
  const dir = await mkdtemp(path.join(tmpdir(), 'cold-start-'));
  try {
    const fetchOnly = path.join(dir, 'fetch-only.mjs');
    await writeFile(
      fetchOnly,
      "await fetch(process.env.PROBE_URL + '/v1/messages', { method: 'POST', body: '{}' });\n",
    );
    const libraries = await bundleProbe(dir, 'cold-start-probe', 'libraries');
    const threads = await bundleProbe(dir, 'cold-start-threads-probe', 'threads');
    await bundleProbe(dir, 'cold-start-thread-worker', 'thread-worker');
    const arrivals = await serveProbes();
    try {
      console.log(
        `Node ${node.version}, from spawn to the model request arriving, ${String(SPAWNS)} spawns each (median, min–max):`,
      );
      const times = (script: string) => spawnTimes(node.path ?? process.execPath, script, arrivals);
      report('node alone, one fetch', await times(fetchOnly));
      report('the libraries alone: Octokit read, then SDK request', await times(libraries));
      report('the same on two threads: SDK in a worker', await times(threads));
      const stages = await sampleStageStarts({
        node: node.path ?? process.execPath,
        count: STAGE_SAMPLES,
        floorProbe: libraries,
        probeUrl: arrivals.url,
        dir,
      });
      reportStages(stages);
    } finally {
      await arrivals.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bundles a probe as the stage action is bundled (`src/build/bundle.ts`) into `dir/<name>.mjs`. */
async function bundleProbe(dir: string, probe: string, name: string): Promise<string> {
  const outfile = path.join(dir, `${name}.mjs`);
  await build({
    absWorkingDir: FACTORY_DIR,
    entryPoints: [path.join(FACTORY_DIR, `bench/lib/${probe}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifySyntax: true,
    minifyWhitespace: true,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __probeRequire } from 'node:module'; const require = __probeRequire(import.meta.url);",
    },
  });
  return outfile;
}

interface Arrivals {
  readonly url: string;
  /** Resolves when the model request (the last one a probe sends) arrives. */
  readonly next: () => Promise<number>;
  readonly close: () => Promise<void>;
}

async function serveProbes(): Promise<Arrivals> {
  let arrived: ((at: number) => void) | undefined;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const at = performance.now();
    request.resume();
    request.on('end', () => {
      const isModel = request.url === '/v1/messages';
      if (isModel) arrived?.(at);
      const body = isModel ? MESSAGE : { number: 1, title: 'Probe' };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    next: () => new Promise((resolve) => (arrived = resolve)),
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

async function spawnTimes(node: string, script: string, arrivals: Arrivals): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SPAWNS; i += 1) {
    const arrival = arrivals.next();
    const start = performance.now();
    const child = spawn(node, [script], {
      env: { PATH: process.env.PATH ?? '', PROBE_URL: arrivals.url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // A probe that dies before its model request fails the bench instead of hanging it.
    const arrived = await Promise.race([arrival, exited.then(() => undefined)]);
    if (arrived === undefined)
      throw new Error(`${script} exited with ${String(await exited)} before its model request`);
    times.push(arrived - start);
    await exited;
  }
  return times;
}

function report(label: string, times: readonly number[]): void {
  console.log(`  ${label.padEnd(52)} ${spread(times)}`);
}

function reportStages(stages: readonly StageSamples[]): void {
  console.log(
    `the stage itself, each agent job of the demo started ${String(STAGE_SAMPLES)} more times, each start after one of the libraries alone; from process start to the first model request (goal ≤ 0.3 s), median (min–max):`,
  );
  for (const { stage, stageMs, floorMs } of stages) {
    const own = median(stageMs.map((ms, i) => ms - (floorMs[i] ?? 0)));
    console.log(
      `  ${stage.padEnd(15)} ${spread(stageMs)}; the libraries alone ${spread(floorMs)}; the factory's own ${String(Math.round(own))} ms (median of the pairs' differences)`,
    );
  }
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/** `median ms (min–max)`. */
function spread(times: readonly number[]): string {
  const ms = (value: number) => String(Math.round(value));
  const sorted = [...times].sort((a, b) => a - b);
  return `${ms(median(times)).padStart(4)} ms (${ms(sorted[0] ?? 0)}–${ms(sorted.at(-1) ?? 0)})`;
}

/**
 * The floor under a stage's cold start (ADR 0005), on this machine: how long Node takes from
 * spawn to a request, alone and with the libraries an agent job must load before its first model
 * request, on one thread and split across two. `bench/line.ts` measures the stage itself; the
 * difference is the factory's own work. `BENCH_ACTION_NODE=/path/to/node` probes another Node.
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

const FACTORY_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPAWNS = 15;

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
      console.log('  (the stage itself: `bench line`, "from process start")');
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

function report(label: string, times: number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const ms = (value: number) => String(Math.round(value));
  console.log(
    `  ${label.padEnd(52)} ${ms(median).padStart(4)} ms (${ms(sorted[0] ?? 0)}–${ms(sorted.at(-1) ?? 0)})`,
  );
}

/**
 * The same work as `cold-start-probe.ts`, split across two threads as ADR 0005 considered: this
 * thread loads Octokit, zod and yaml and reads the PR, while a worker loads the model SDK (and its
 * own zod and `fetch`) and sends the model request once the read is in. `bench/cold-start.ts`
 * bundles it beside its worker, `cold-start-thread-worker.ts`.
 */
import { Worker } from 'node:worker_threads';

// The worker starts first, so that its loading overlaps all of this thread's.
const worker = new Worker(new URL('./thread-worker.mjs', import.meta.url));
const { readPullTitle } = await import('./cold-start-read.ts');
const title = await readPullTitle(process.env.PROBE_URL ?? '');
const heard = new Promise((resolve) => worker.once('message', resolve));
worker.postMessage(title);
const answer = await heard;
await worker.terminate();
if (answer !== 'sent') throw new Error(`the worker's model request ${String(answer)}`);

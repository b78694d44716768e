/**
 * Preloaded (`node --import`) into each process `bench/lib/stage-samples.ts` samples: notes when the
 * process handed its first model request to `fetch`, in milliseconds from the process's start,
 * appends it to `STARTUP_SAMPLES_FILE` as one JSON line, and ends the process there, before the
 * request leaves: a sample costs no model request.
 */
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

subscribe('undici:request:create', ({ request }) => {
  if (!request.path.includes('/v1/messages')) return;
  const sample = { label: process.env.STARTUP_SAMPLE_LABEL, modelMs: performance.now() };
  appendFileSync(process.env.STARTUP_SAMPLES_FILE, `${JSON.stringify(sample)}\n`);
  process.exit(0);
});

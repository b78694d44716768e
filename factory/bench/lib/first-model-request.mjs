/**
 * Preloaded (`node --import`) into each process `bench/lib/stage-samples.ts` samples: notes when the
 * process handed its first GitHub read and its first model request to `fetch`, in milliseconds
 * from the process's start, appends them to `STARTUP_SAMPLES_FILE` as one JSON line, and ends the
 * process there, before the request leaves: a sample costs no model request and writes nothing to
 * GitHub.
 */
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

let readMs;

subscribe('undici:request:create', ({ request }) => {
  if (!request.path.startsWith('/v1/messages')) {
    readMs ??= performance.now();
    return;
  }
  const sample = { label: process.env.STARTUP_SAMPLE_LABEL, readMs, modelMs: performance.now() };
  appendFileSync(process.env.STARTUP_SAMPLES_FILE, `${JSON.stringify(sample)}\n`);
  process.exit(0);
});

/**
 * Context assembly at scale: a generated repository with 1,000 ADRs and 1,000 specs, each spec
 * with known relevant ADRs. Prints, per role: prompt size (goal ≤ 25,000 tokens), the share of
 * known-relevant ADRs included in full (goal ≥ 0.95) and assembly time (goal ≤ 300 ms); then the
 * one-time library build, and the cacheable share of input over a scripted 20-turn implementer
 * session (goal ≥ 0.9). Numbers only; nothing here asserts on time.
 */
import { rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ROLES } from '../src/core/config.ts';
import { buildSessionPrompt, readContextLibrary } from '../src/agent/context/index.ts';
import type { Corpus } from './lib/corpus.ts';
import { generateCorpus } from './lib/corpus.ts';
import { createRandom, percentile } from './lib/random.ts';
import { measureCache, scriptSession } from './lib/session-sim.ts';
import { taskFor } from './lib/tasks.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADRS = 1_000;
const SPECS = 1_000;
/** Specs sampled per role for size, recall and time (every spec takes too long for a bench run). */
const SAMPLE = 250;
const TURNS = 20;
const WARMUP = 20;

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

async function benchRoles(corpus: Corpus): Promise<void> {
  const { value: library, ms: buildMs } = await timed(() => readContextLibrary(corpus.root));
  const first = corpus.specs[0];
  if (first === undefined) throw new Error('the corpus has no specs');
  const cold = await timed(() =>
    buildSessionPrompt({
      workspace: corpus.root,
      role: 'planner',
      task: taskFor('planner', first, createRandom(1)),
    }),
  );
  console.log(
    `one-time library build (read + parse + tokenise ${ADRS} ADRs, ${SPECS} specs): ${fmt(buildMs)} ms`,
  );
  console.log(`cold first prompt without a prebuilt library: ${fmt(cold.ms)} ms\n`);
  console.log(
    'role            tokens p50 / p95 / max      relevant ADRs in full   assembly ms p50 / p95',
  );
  const adrPath = new Map(corpus.adrs.map((a) => [a.number, a.path]));
  const specs = corpus.specs.slice(0, SAMPLE);
  // Warm the JIT on specs outside the sample, so p50 measures assembly, not compilation.
  for (const spec of corpus.specs.slice(-WARMUP)) {
    const task = taskFor('planner', spec, createRandom(3));
    await buildSessionPrompt({ workspace: corpus.root, role: 'planner', task, library });
  }
  for (const role of ROLES) {
    const random = createRandom(7);
    const tokens: number[] = [];
    const times: number[] = [];
    let relevant = 0;
    let included = 0;
    for (const spec of specs) {
      const task = taskFor(role, spec, random);
      const { value: prompt, ms } = await timed(() =>
        buildSessionPrompt({ workspace: corpus.root, role, task, library }),
      );
      times.push(ms);
      tokens.push(prompt.stats.tokens);
      const inFull = new Set(prompt.stats.adrsInFull);
      relevant += spec.relevant.length;
      included += spec.relevant.filter((n) => inFull.has(adrPath.get(n) ?? '')).length;
    }
    tokens.sort((a, b) => a - b);
    times.sort((a, b) => a - b);
    console.log(
      `${role.padEnd(15)} ${fmt(percentile(tokens, 50)).padStart(6)} / ${fmt(percentile(tokens, 95)).padStart(6)} / ${fmt(tokens.at(-1) ?? 0).padStart(6)}` +
        `      ${fmt(included / relevant, 3)} (${included}/${relevant})` +
        `        ${fmt(percentile(times, 50), 1)} / ${fmt(percentile(times, 95), 1)}`,
    );
  }
}

async function benchCache(corpus: Corpus): Promise<void> {
  const spec = corpus.specs[41] ?? corpus.specs[0];
  if (spec === undefined) return;
  const random = createRandom(11);
  const prompt = await buildSessionPrompt({
    workspace: corpus.root,
    role: 'implementer',
    task: taskFor('implementer', spec, random),
  });
  console.log(
    `\nscripted ${TURNS}-turn implementer session (cache arithmetic of the twin model server):`,
  );
  for (const breakpointOnLatestMessage of [true, false]) {
    const requests = scriptSession({
      system: prompt.system,
      user: prompt.user,
      turns: TURNS,
      random: createRandom(13),
      breakpointOnLatestMessage,
    });
    const figures = measureCache(requests);
    const label = breakpointOnLatestMessage
      ? 'system breakpoint + breakpoint on the newest message'
      : 'system breakpoint only (no message breakpoint)      ';
    console.log(
      `  ${label}: cacheable share ${fmt(figures.cacheableShare, 3)}, cache-read share ${fmt(figures.cacheReadShare, 3)}` +
        ` (input ${fmt(figures.totalInputTokens)} tokens; first request ${fmt(figures.firstRequestTokens)}, last ${fmt(figures.lastRequestTokens)})`,
    );
  }
}

/** Runs the context benchmark and prints its figures. */
export async function bench(): Promise<void> {
  const { value: corpus, ms } = await timed(() =>
    generateCorpus({ repoRoot: REPO_ROOT, adrs: ADRS, specs: SPECS, seed: 42 }),
  );
  console.log(`generated ${ADRS} ADRs and ${SPECS} specs in ${fmt(ms)} ms (${corpus.root})`);
  console.log(
    'goals: tokens ≤ 25,000; relevant in full ≥ 0.95; assembly ≤ 300 ms; cacheable ≥ 0.9\n',
  );
  try {
    await benchRoles(corpus);
    await benchCache(corpus);
  } finally {
    await rm(corpus.root, { recursive: true, force: true });
  }
}

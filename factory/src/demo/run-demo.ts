/**
 * The demo: the whole line on this machine. A twin forge seeded from this checkout (without the
 * example spec), its Actions runner running the real workflow files, and a scripted model. A
 * person with write permission opens the example spec's PR labelled `state:queued`; the line
 * takes it from there. Nothing leaves the machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLedger, totalSpend } from '../core/status.ts';
import { STATE_LABELS, statesIn, WORKING_STATES } from '../core/states.ts';
import type { StageName } from '../core/line.ts';
import { STATUS_MARKER } from '../core/notes.ts';
import { startTwin, type Twin } from '../twin/index.ts';
import type { ModelScript } from '../twin/model/index.ts';
import type { RunRecord } from '../twin/runner/index.ts';
import { wordCountScript } from './word-count-script.ts';

export const DEMO_SPEC = 'specs/0001-word-count.md';

export interface SpecFile {
  readonly path: string;
  readonly text: string;
}

export interface DemoStage {
  readonly stage: string;
  readonly attempt: number;
  /** The run's conclusion, and what the stage did (`→ state:plan-review`, `parked: …`). */
  readonly conclusion: string;
  readonly ms: number;
  /** What the stage's agent session cost, as its agent job reported it (0 for code stages). */
  readonly dollars: number;
}

export interface DemoResult {
  readonly outcome: 'merged' | 'needs-attention' | 'stuck';
  readonly reason?: string;
  readonly pr: number;
  readonly stages: readonly DemoStage[];
  /** Calls to GitHub's API (REST and GraphQL) the line made for the spec. */
  readonly githubRequests: number;
  /** Git transport requests (checkouts, clones, pushes), which are not API calls. */
  readonly gitRequests: number;
  readonly modelRequests: number;
  readonly tokens: number;
  readonly ms: number;
}

export interface DemoOptions {
  readonly repoRoot: string;
  readonly specPath?: string;
  /** The scripted model's replies (the demo's by default). */
  readonly script?: ModelScript;
  /** Use the real model API with this key instead of the scripted model (rehearsals). */
  readonly apiKey?: string;
  /** Keep the runner's work (transcripts, workspaces) and a mirror of the forge here. */
  readonly keepDir?: string;
  /** The Node that runs the stage action (default: this one); GitHub runs it on Node 24. */
  readonly actionNode?: string;
  /** Called as each stage's run completes. */
  readonly onStage?: (stage: DemoStage) => void;
  /** More specs, each queued in its own PR after the first (they wait for the line). */
  readonly alsoQueue?: readonly SpecFile[];
  /**
   * Called with the twin after the line came to rest and its result was measured, before the twin
   * closes (tests and benches).
   */
  readonly inspect?: (twin: Twin) => Promise<void>;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const specPath = options.specPath ?? DEMO_SPEC;
  const checkout = readCheckout(options.repoRoot);
  const text = checkout[specPath];
  if (text === undefined) throw new Error(`${specPath} is not in this checkout`);
  const queue = [{ path: specPath, text }, ...(options.alsoQueue ?? [])];
  // Main starts without the specs: each PR adds one, as a person queuing a new spec would.
  const files = Object.fromEntries(
    Object.entries(checkout).filter(([path]) => !queue.some((spec) => spec.path === path)),
  );

  const twin = await startTwin({
    seed: { files },
    // The repository as `factory labels sync` leaves it.
    forge: { labels: STATE_LABELS },
    script: options.script ?? wordCountScript(),
    runner: {
      ...(options.keepDir === undefined ? {} : { workDir: join(options.keepDir, 'runner') }),
      ...(options.actionNode === undefined ? {} : { nodePath: options.actionNode }),
      // The real API: the jobs get the person's key and no base URL, so the SDK's default applies.
      ...(options.apiKey === undefined
        ? {}
        : { secrets: { ANTHROPIC_API_KEY: options.apiKey }, vars: { ANTHROPIC_BASE_URL: '' } }),
    },
  });
  try {
    const [pr = 0] = await queueSpecs(twin, queue);
    const stages = await followRuns(twin, options.onStage);
    // The line's result is measured before `inspect` may read or act on the twin.
    const result = {
      ...(await settleOutcome(twin, pr)),
      pr,
      stages,
      ...counts(twin),
      ms: performance.now() - started,
    };
    await options.inspect?.(twin);
    if (options.keepDir !== undefined) keepForge(twin, options.keepDir);
    return result;
  } finally {
    await twin.close();
  }
}

/** Tracked and untracked-but-not-ignored files: what a fresh clone of this checkout would hold. */
function readCheckout(repoRoot: string): Record<string, string> {
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const files: Record<string, string> = {};
  for (const path of listed.split('\0').filter((entry) => entry !== '')) {
    try {
      files[path] = readFileSync(join(repoRoot, path), 'utf8');
    } catch {
      // Listed but deleted in the work tree: a clone would not have it either.
    }
  }
  return files;
}

/** A mirror of the forge's repository: every branch the line pushed, to inspect with git. */
function keepForge(twin: Twin, keepDir: string): void {
  execFileSync('git', [
    'clone',
    '--quiet',
    '--mirror',
    twin.forge.gitDir,
    join(keepDir, 'repo.git'),
  ]);
}

/** Opens one PR per spec as a person with write permission, each labelled `state:queued`. */
async function queueSpecs(twin: Twin, specs: readonly SpecFile[]): Promise<number[]> {
  const numbers: number[] = [];
  for (const { path, text } of specs) {
    numbers.push(
      await twin.forge.openPullRequest('writer', {
        branch: `spec/${path.replace(/^specs\/|\.md$/g, '')}`,
        files: { [path]: text },
        title: titleOf(text, path),
        body: `Queues \`${path}\`.`,
        labels: ['state:queued'],
      }),
    );
  }
  return numbers;
}

function titleOf(specText: string, specPath: string): string {
  const heading = /^# (.+)$/m.exec(specText)?.[1];
  return heading === undefined ? specPath : `${heading.trim()} (${specPath})`;
}

/** Reports each stage as its run completes, until the runner has nothing left to do. */
async function followRuns(twin: Twin, onStage: DemoOptions['onStage']): Promise<DemoStage[]> {
  const runner = twin.runner;
  if (runner === undefined) throw new Error('the demo needs the twin runner');
  const reported = new Set<number>();
  const stages: DemoStage[] = [];
  const attempts = new Map<string, number>();
  const report = () => {
    for (const run of runner.runs()) {
      if (run.status !== 'completed' || reported.has(run.id)) continue;
      reported.add(run.id);
      if (!ranAnything(run)) continue;
      const attempt = (attempts.get(run.name) ?? 0) + 1;
      attempts.set(run.name, attempt);
      const stage = {
        stage: run.name,
        attempt,
        conclusion: describeRun(run),
        ms: runMs(run),
        dollars: agentDollars(run),
      };
      stages.push(stage);
      onStage?.(stage);
    }
  };
  const ticker = setInterval(report, 100);
  try {
    await twin.settle();
  } finally {
    clearInterval(ticker);
  }
  report();
  return stages;
}

const LINE_WORKFLOWS: ReadonlySet<string> = new Set<StageName>([
  'scheduler',
  ...WORKING_STATES,
  'watchdog',
]);

/**
 * A run of the line that did something: not another workflow (spec lint, CI on main), and not a
 * run whose jobs were all skipped (a label meant for another stage).
 */
function ranAnything(run: RunRecord): boolean {
  return LINE_WORKFLOWS.has(run.name) && run.jobs.some((job) => job.conclusion !== 'skipped');
}

function describeRun(run: RunRecord): string {
  const said = run.jobs
    .flatMap((job) => job.summary.split('\n'))
    .map((line) => line.replace(/^[-#\s]+/, '').trim())
    .filter((line) => line !== '' && !line.includes(' · '));
  const last = said.at(-1);
  return last === undefined
    ? (run.conclusion ?? run.status)
    : `${run.conclusion ?? run.status}: ${last}`;
}

/** The agent job's summary reads `<role>: <stop reason> after N turns, $D.DD — …`. */
function agentDollars(run: RunRecord): number {
  const summary = run.jobs.find((job) => job.key.endsWith('/agent'))?.summary ?? '';
  return Number(/ turns?, \$(\d+(?:\.\d+)?)/.exec(summary)?.[1] ?? 0);
}

function runMs(run: RunRecord): number {
  const from = Date.parse(run.startedAt ?? run.createdAt);
  const to = Date.parse(run.completedAt ?? run.createdAt);
  return Number.isFinite(from) && Number.isFinite(to) ? to - from : 0;
}

async function settleOutcome(
  twin: Twin,
  pr: number,
): Promise<Pick<DemoResult, 'outcome' | 'reason'> & { tokens: number }> {
  const api = `${twin.forge.apiUrl}/repos/${twin.info.repo}`;
  const headers = { authorization: `token ${twin.forge.as('writer')}` };
  const pull = (await (await fetch(`${api}/pulls/${String(pr)}`, { headers })).json()) as {
    merged: boolean;
    labels: { name: string }[];
  };
  const comments = (await (
    await fetch(`${api}/issues/${String(pr)}/comments?per_page=100`, { headers })
  ).json()) as { body: string }[];
  const ledger = parseLedger(
    comments.find((comment) => comment.body.startsWith(STATUS_MARKER))?.body,
  );
  const tokens = totalSpend(ledger).tokens;
  if (pull.merged) return { outcome: 'merged', tokens };
  const states = statesIn(pull.labels.map((label) => label.name));
  if (states.includes('needs-attention'))
    return {
      outcome: 'needs-attention',
      reason:
        ledger.park === undefined ? 'unknown' : `${ledger.park.reason}: ${ledger.park.detail}`,
      tokens,
    };
  return {
    outcome: 'stuck',
    reason: `the line stopped at ${states.map((s) => `state:${s}`).join(', ') || 'no state label'}`,
    tokens,
  };
}

function counts(twin: Twin): Pick<DemoResult, 'githubRequests' | 'gitRequests' | 'modelRequests'> {
  // Requests the line made: its jobs' tokens', not the person's who opened the PR nor the spec
  // lint's (the PR's own CI, which runs whether or not the spec is queued).
  const tokens = new Set(
    (twin.runner?.runs() ?? [])
      .filter((run) => LINE_WORKFLOWS.has(run.name))
      .flatMap((run) => run.jobs.map((job) => job.token?.jobTokenId)),
  );
  const line = twin.forge.requestLog
    .entries()
    .filter((entry) => entry.jobTokenId !== undefined && tokens.has(entry.jobTokenId));
  const git = line.filter((entry) => entry.route.startsWith('git ')).length;
  return {
    githubRequests: line.length - git,
    gitRequests: git,
    modelRequests: twin.model.requests.length,
  };
}

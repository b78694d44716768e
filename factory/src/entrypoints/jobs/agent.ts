/**
 * The `agent` job: one session of the stage's role on the PR head, its outcome (and the
 * implementer's patch) written for the apply job. Holds read-only repository access and the model
 * key; writes nothing to GitHub.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { createGit } from '../../adapters/git/index.ts';
import {
  AGENT_STAGES,
  ROLE_OF_STAGE,
  runAgentJob,
  type AgentStage,
} from '../../stages/agent-job.ts';
import type { AgentArtifact } from '../../stages/agent-artifact.ts';
import type { JobResult } from '../job-result.ts';
import { OUTCOME_FILE, PATCH_FILE, TRANSCRIPT_FILE } from '../outcome-files.ts';
import type { StageContext } from '../wiring.ts';
import { requirePrInputs } from './pr-inputs.ts';

/** How long the runtime waits for the R-02 read to go out before it loads regardless. */
const RUNTIME_LOAD_FALLBACK_MS = 1_000;

type Runtime = typeof import('../../agent/index.ts');

export async function run(context: StageContext): Promise<JobResult> {
  const jobDone = new AbortController();
  const runtime = loadOnceTheReadIsOut(
    { readSent: context.firstRequestSent, fallbackMs: RUNTIME_LOAD_FALLBACK_MS },
    jobDone.signal,
    () => import('../../agent/index.ts'),
  );
  runtime.catch(() => undefined); // a failed load surfaces where the session needs it
  try {
    return await runSession(context, runtime);
  } finally {
    jobDone.abort();
  }
}

/**
 * Loads the agent runtime (the model SDK above all) while the PR's read is answered: its load then
 * costs the session's start nothing. It starts once the read has been handed to `fetch`, not
 * before: loading holds the thread, and the read would be handed over only after. Should no
 * request go out within `fallbackMs`, it loads all the same, unless the job ended (`jobDone`).
 */
export function loadOnceTheReadIsOut<T>(
  timing: { readonly readSent: Promise<void>; readonly fallbackMs: number },
  jobDone: AbortSignal,
  load: () => Promise<T>,
): Promise<T> {
  const fallback = delay(timing.fallbackMs, undefined, { signal: jobDone });
  return Promise.race([timing.readSent, fallback]).then(load);
}

async function runSession(context: StageContext, runtime: Promise<Runtime>): Promise<JobResult> {
  const { inputs, github, config } = context;
  const stage = agentStage(inputs.stage);
  // The implementer's sandbox is probed once per process (it starts bwrap): start it now too.
  if (stage === 'implementation') void runtime.then((agent) => agent.probeSandbox()).catch(() => 0);
  const { pr, expectedHeadSha } = requirePrInputs(inputs);
  const workspace = context.inWorkspace(inputs.workspace);
  const outDir = context.inWorkspace(inputs.outcome);
  await mkdir(outDir, { recursive: true });
  const git = createGit({ dir: workspace });
  const diff = stage === 'code-review' ? reviewDiff(git, config.defaultBranch) : undefined;

  const result = await runAgentJob(
    {
      github,
      config,
      runAgent: async (options) => {
        if (inputs.modelKey === undefined) throw new MissingKeyError();
        return (await runtime).runAgent(options);
      },
      readFloor: async (floor, role) => (await runtime).readFloor(floor, role),
    },
    {
      stage,
      pr,
      expectedHeadSha,
      workspace,
      floor: context.env.GITHUB_WORKSPACE,
      transcriptPath: join(outDir, TRANSCRIPT_FILE),
      apiKey: inputs.modelKey ?? '',
      ...(inputs.modelBaseUrl === undefined ? {} : { baseURL: inputs.modelBaseUrl }),
      secrets: [inputs.githubToken],
      ...(diff === undefined ? {} : { diff }),
    },
  ).catch((error: unknown) => {
    if (!(error instanceof MissingKeyError)) throw error;
    return { kind: 'ran' as const, artifact: missingKeyArtifact(stage, expectedHeadSha) };
  });
  if (result.kind === 'stood-down')
    return { outputs: { ran: 'false' }, summary: `Stood down: ${result.reason}` };

  await writeFile(join(outDir, OUTCOME_FILE), JSON.stringify(result.artifact, null, 2));
  if (stage === 'implementation' && result.artifact.stopReason === 'submitted') {
    const { patch } = await git.diffAgainst(expectedHeadSha);
    await writeFile(join(outDir, PATCH_FILE), patch);
  }
  const { artifact } = result;
  return {
    outputs: { ran: 'true', 'stop-reason': artifact.stopReason },
    summary: `${artifact.role}: ${artifact.stopReason} after ${String(artifact.turns)} turns, $${artifact.dollars.toFixed(2)} — ${artifact.detail}`,
  };
}

function agentStage(stage: string): AgentStage {
  const found = AGENT_STAGES.find((candidate) => candidate === stage);
  if (found === undefined) throw new Error(`${stage} has no agent job`);
  return found;
}

/** The PR's change as the reviewer reads it: its head against where it left main. */
async function reviewDiff(git: ReturnType<typeof createGit>, mainBranch: string): Promise<string> {
  const base = await git.mergeBase(`refs/remotes/origin/${mainBranch}`, 'HEAD');
  return (await git.diffAgainst(base)).patch.toString('utf8');
}

class MissingKeyError extends Error {}

/** Without the model key no session can run: park with a reason that says which secret to set. */
function missingKeyArtifact(stage: AgentStage, headSha: string): AgentArtifact {
  return {
    role: ROLE_OF_STAGE[stage],
    stopReason: 'model-unavailable',
    detail:
      'The ANTHROPIC_API_KEY secret is not set for this repository, so no session could start.',
    headSha,
    submission: undefined,
    model: '',
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    dollars: 0,
    turns: 0,
  };
}

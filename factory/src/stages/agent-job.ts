/**
 * The agent half of an agent stage. It runs in a job that may only read the repository and holds
 * only the model key: it re-reads the PR, gives the role a fresh session on the PR head (with the
 * floor — prompts, constitution, ADRs — read from main), and returns the session's outcome as an
 * artifact. It never writes to GitHub; the apply job judges the artifact and does the writing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FactoryConfig, Role } from '../core/config.ts';
import { checkStillCurrent } from '../core/current.ts';
import type { GitHubPort } from '../core/ports.ts';
import { parseLedger, totalSpend, type Feedback, type Ledger } from '../core/status.ts';
import type { AgentOutcome, FloorContent, RunAgentOptions, Submission } from '../agent/index.ts';
import type { SessionTask } from '../agent/context/index.ts';
import type { AgentArtifact } from './agent-artifact.ts';
import { planPathOf } from './plan-path.ts';

export type AgentStage = 'plan' | 'plan-review' | 'implementation' | 'code-review';

export const AGENT_STAGES = ['plan', 'plan-review', 'implementation', 'code-review'] as const;

export const ROLE_OF_STAGE = {
  plan: 'planner',
  'plan-review': 'plan-reviewer',
  implementation: 'implementer',
  'code-review': 'code-reviewer',
} as const satisfies Record<AgentStage, Role>;

/** What the stage's own code tells each role to do (trusted text; everything else is fenced). */
const INSTRUCTIONS: Record<AgentStage, string> = {
  plan: 'Write the implementation plan for the spec below: the files to add or change, the tests that prove each acceptance criterion, and the order of work. If objections from a plan review are given, address every one. Finish by calling submit_plan.',
  'plan-review':
    'Review the plan below against the spec and the constitution. Approve only a plan that meets every acceptance criterion with tests and keeps to the principles; otherwise request changes with concrete objections. Finish by calling submit_verdict.',
  implementation:
    'Implement the approved plan below in the product code. Run the project checks with the run tool until they pass. If review objections, a CI failure or a conflict with main are given, resolve them. Finish by calling submit_work.',
  'code-review':
    'Review the diff below against the spec, its acceptance criteria and the plan. Approve only a change that meets every criterion, is tested, and keeps to the principles; otherwise request changes with concrete objections. Finish by calling submit_verdict.',
};

export interface AgentJobInput {
  readonly stage: AgentStage;
  readonly pr: number;
  readonly expectedHeadSha: string;
  /** A checkout of the PR head at `expectedHeadSha`: the only files the agent's tools reach. */
  readonly workspace: string;
  /** A checkout of the default branch: role files and constitution come from here (design §3). */
  readonly floor: string;
  readonly transcriptPath: string;
  readonly apiKey: string;
  readonly baseURL?: string;
  /** Values to redact from the transcript besides the model key. */
  readonly secrets?: readonly string[];
  /**
   * The diff under review, for code-review (the PR against its merge base); it may still be in
   * the making: it is awaited together with the PR reads.
   */
  readonly diff?: string | Promise<string>;
}

export interface AgentJobDeps {
  readonly github: GitHubPort;
  readonly config: FactoryConfig;
  readonly runAgent: (options: RunAgentOptions) => Promise<AgentOutcome>;
  /** Reads a role's floor (`readFloor` of the agent runtime); the session reads it itself if absent. */
  readonly readFloor?: (floor: string, role: Role) => Promise<FloorContent>;
}

export type AgentJobResult =
  | { readonly kind: 'ran'; readonly artifact: AgentArtifact; readonly outcome: AgentOutcome }
  | { readonly kind: 'stood-down'; readonly reason: string };

/** Runs the stage's session if the PR is still where it was dispatched for. */
export async function runAgentJob(
  deps: AgentJobDeps,
  input: AgentJobInput,
): Promise<AgentJobResult> {
  const { github, config } = deps;
  const role = ROLE_OF_STAGE[input.stage];
  // The PR first, then the floor, which does not depend on it, while the PR's read is answered:
  // the session's start waits on both, and the model's first token on that.
  const read = Promise.all([github.readConversation(input.pr), input.diff]);
  const floorContent = deps.readFloor?.(input.floor, role);
  floorContent?.catch(() => undefined); // a broken role file surfaces where the session reads it
  const [{ pullRequest: pr, statusComment: comment }, diff] = await read;
  const currency = checkStillCurrent(pr, input.stage, input.expectedHeadSha);
  if (pr === undefined || !currency.current)
    return { kind: 'stood-down', reason: currency.current ? 'PR not found' : currency.reason };

  const ledger = parseLedger(comment?.body);
  const task = await taskFor(input, ledger, { title: pr.title, body: pr.body }, diff);
  const outcome = await deps.runAgent({
    role,
    workspace: input.workspace,
    floor: input.floor,
    ...(floorContent === undefined ? {} : { floorContent }),
    task,
    config,
    // What earlier stages of this PR spent counts against its ceiling.
    shared: {
      dollarsLeftForPr: Math.max(0, config.budgets.perPrDollars - totalSpend(ledger).dollars),
    },
    apiKey: input.apiKey,
    ...(input.baseURL === undefined ? {} : { baseURL: input.baseURL }),
    transcriptPath: input.transcriptPath,
    secrets: input.secrets ?? [],
  });
  return { kind: 'ran', outcome, artifact: artifactOf(outcome, input.expectedHeadSha) };
}

async function taskFor(
  input: AgentJobInput,
  ledger: Ledger,
  pullRequest: { readonly title: string; readonly body: string },
  diff: string | undefined,
): Promise<SessionTask> {
  const specPath = ledger.spec?.path;
  if (specPath === undefined)
    throw new Error(`PR #${String(input.pr)} has no queued spec in its status comment`);
  const spec = { path: specPath, text: await readFile(join(input.workspace, specPath), 'utf8') };
  const plan =
    input.stage === 'plan'
      ? undefined
      : await readFile(join(input.workspace, planPathOf(specPath)), 'utf8');
  return {
    instruction: INSTRUCTIONS[input.stage],
    spec,
    pullRequest,
    ...(plan === undefined ? {} : { plan }),
    ...feedbackFor(input.stage, ledger.feedback),
    ...(input.stage === 'code-review' && diff !== undefined ? { diff } : {}),
  };
}

/** The feedback meant for this stage: review objections for the author, CI or conflict for code. */
function feedbackFor(stage: AgentStage, feedback: Feedback | undefined): Partial<SessionTask> {
  if (feedback === undefined) return {};
  if (stage === 'plan' && feedback.from === 'plan-review')
    return { reviewObjections: feedback.text };
  if (stage !== 'implementation') return {};
  switch (feedback.kind) {
    case 'review':
      return feedback.from === 'code-review' ? { reviewObjections: feedback.text } : {};
    case 'ci':
      return { ciFailure: feedback.text };
    case 'conflict':
      return { conflict: feedback.text };
  }
}

function artifactOf(outcome: AgentOutcome, headSha: string): AgentArtifact {
  return {
    role: outcome.role,
    stopReason: outcome.stopReason,
    detail: outcome.detail.slice(0, 2_000),
    headSha,
    submission: submissionValue(outcome.submission),
    model: outcome.model,
    usage: {
      input: outcome.usage.input,
      output: outcome.usage.output,
      cacheRead: outcome.usage.cacheRead,
      cacheWrite: outcome.usage.cacheWrite,
    },
    dollars: outcome.dollars,
    turns: outcome.turns,
  };
}

function submissionValue(submission: Submission | undefined): unknown {
  switch (submission?.kind) {
    case undefined:
      return undefined;
    case 'plan':
      return submission.plan;
    case 'verdict':
      return submission.verdict;
    case 'work':
      return submission.work;
  }
}

/**
 * The agent jobs of the chaos line, without a model: each re-reads the PR as the real agent job
 * does (and stands down the same way), then produces the artifact a session would have left. The
 * implementer's patch is real: files written in a checkout of the head, diffed with git.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkStillCurrent } from '../../src/core/current.ts';
import type { GitHubPort } from '../../src/core/ports.ts';
import type { AgentArtifact } from '../../src/stages/agent-artifact.ts';
import { ROLE_OF_STAGE, type AgentStage } from '../../src/stages/agent-job.ts';
import type { Workbench } from '../../src/stages/workbench.ts';

/** What the scripted session does this time. */
export type AgentBehaviour =
  | { readonly kind: 'submit'; readonly approve: boolean; readonly touchProtected?: string }
  | { readonly kind: 'fail'; readonly stopReason: 'invalid-output' | 'no-submission' }
  /** The agent job died before leaving an artifact. */
  | { readonly kind: 'crash' };

export type AgentJobEnd =
  | { readonly kind: 'stood-down' }
  | { readonly kind: 'crashed' }
  | { readonly kind: 'ran'; readonly artifact: AgentArtifact; readonly patch?: Uint8Array };

export interface AgentJobInput {
  readonly stage: AgentStage;
  readonly pr: number;
  readonly expectedHeadSha: string;
  readonly behaviour: AgentBehaviour;
  /** A number that makes every implementation attempt change the code. */
  readonly attempt: number;
}

export async function runScriptedAgent(
  deps: { readonly github: GitHubPort; readonly workbench: Workbench },
  input: AgentJobInput,
): Promise<AgentJobEnd> {
  const pr = await deps.github.readPullRequest(input.pr);
  if (!checkStillCurrent(pr, input.stage, input.expectedHeadSha).current || pr === undefined)
    return { kind: 'stood-down' };
  const { behaviour } = input;
  if (behaviour.kind === 'crash') return { kind: 'crashed' };
  const artifact = baseArtifact(input.stage, input.expectedHeadSha);
  if (behaviour.kind === 'fail')
    return { kind: 'ran', artifact: { ...artifact, stopReason: behaviour.stopReason } };
  switch (input.stage) {
    case 'plan':
      return { kind: 'ran', artifact: { ...artifact, submission: planOf(input.pr) } };
    case 'plan-review':
    case 'code-review':
      return { kind: 'ran', artifact: { ...artifact, submission: verdictOf(behaviour.approve) } };
    case 'implementation': {
      const git = await deps.workbench.checkoutHead(pr);
      const files: Record<string, string> = {
        [featurePath(input.pr)]:
          `export const value = (): number => 42; // attempt ${String(input.attempt)}\n`,
      };
      if (behaviour.touchProtected !== undefined)
        files[behaviour.touchProtected] =
          `# changed by the implementer, attempt ${String(input.attempt)}\n`;
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(git.dir, path)), { recursive: true });
        await writeFile(join(git.dir, path), text);
      }
      const { patch } = await git.diffAgainst(input.expectedHeadSha);
      return { kind: 'ran', artifact: { ...artifact, submission: WORK }, patch };
    }
  }
}

/** The product file the implementer of a PR writes (one per PR, so specs never collide). */
export function featurePath(pr: number): string {
  return `src/feature-${String(pr)}.ts`;
}

function baseArtifact(stage: AgentStage, headSha: string): AgentArtifact {
  return {
    role: ROLE_OF_STAGE[stage],
    stopReason: 'submitted',
    detail: 'scripted session',
    headSha,
    submission: undefined,
    model: 'scripted',
    usage: { input: 100, output: 20, cacheRead: 0, cacheWrite: 0 },
    dollars: 0.01,
    turns: 1,
  };
}

function planOf(pr: number) {
  return {
    summary: `Add ${featurePath(pr)} with value().`,
    markdown: `# Plan\n\nAdd \`${featurePath(pr)}\` exporting \`value()\` and test it.`,
    files: [featurePath(pr)],
  };
}

function verdictOf(approve: boolean) {
  return approve
    ? { verdict: 'APPROVE', summary: 'Meets every criterion.', objections: [] }
    : {
        verdict: 'REQUEST_CHANGES',
        summary: 'One criterion is not met.',
        objections: [{ severity: 'major', location: 'src', message: 'Test the edge case.' }],
      };
}

const WORK = {
  summary: 'Implement value()',
  commands: [{ command: 'pnpm test', exitCode: 0 }],
};

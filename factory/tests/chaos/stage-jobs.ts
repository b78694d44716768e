/**
 * Each stage workflow as the list of jobs it runs, calling the same stage functions the entry
 * points call (factory/src/entrypoints/jobs/*.ts). Jobs of one run share a small context, as
 * Actions passes job outputs on; a job that ends the run (route skipped, stood down) says so.
 */
import type { FactoryConfig } from '../../src/core/config.ts';
import type { GitHubPort } from '../../src/core/ports.ts';
import type { Trigger } from '../../src/core/routing.ts';
import type { StageName } from '../../src/core/line.ts';
import { routeEvent } from '../../src/stages/route-event.ts';
import { runAgentJobOf } from './agent-jobs.ts';
import type { AgentBehaviour, AgentJobEnd } from './agents.ts';
import { runGate, type CiConclusion } from '../../src/stages/gate.ts';
import { finishMerge, prepareMerge, type MergeCandidate } from '../../src/stages/merge.ts';
import { runScheduler } from '../../src/stages/scheduler.ts';
import { runWatchdog } from '../../src/stages/watchdog.ts';
import type { Workbench } from '../../src/stages/workbench.ts';

export interface LineDeps {
  readonly github: GitHubPort;
  readonly config: FactoryConfig;
  readonly workbench: Workbench;
  readonly now: () => Date;
  readonly specPathsOnMain: () => Promise<string[]>;
  /** The scripted session's behaviour for this agent job. */
  readonly behaviourFor: (stage: StageName) => AgentBehaviour;
  /** Numbers agent sessions, so each implementation attempt writes different code. */
  readonly nextAttempt: () => number;
  readonly ciConclusion: () => CiConclusion;
}

export interface RunContext {
  pr?: number;
  head?: string;
  agent?: AgentJobEnd;
  candidate?: MergeCandidate;
  ci?: CiConclusion;
}

/** `false` ends the run: later jobs are skipped, as `needs` + `if` skip them in the workflow. */
export type Job = (deps: LineDeps, context: RunContext) => Promise<boolean>;

export interface NamedJob {
  readonly name: string;
  readonly run: Job;
}

export function jobsOf(stage: StageName, trigger: Trigger): NamedJob[] {
  const route: NamedJob = { name: 'route', run: routeJob(stage, trigger) };
  switch (stage) {
    case 'plan':
    case 'plan-review':
    case 'implementation':
    case 'code-review':
      return [
        route,
        { name: 'agent', run: runAgentJobOf(stage, 'agent') },
        { name: 'apply', run: runAgentJobOf(stage, 'apply') },
      ];
    case 'implementation-ci':
      return [route, { name: 'ci', run: ciJob }, { name: 'gate', run: gateJob }];
    case 'merge':
      return [
        route,
        { name: 'merge-rebase', run: mergeRebaseJob },
        { name: 'ci', run: mergeCiJob },
        { name: 'merge', run: mergeJob },
      ];
    case 'scheduler':
      return [{ name: 'scheduler', run: schedulerJob(trigger) }];
    case 'watchdog':
      return [{ name: 'watchdog', run: watchdogJob }];
  }
}

function routeJob(stage: StageName, trigger: Trigger): Job {
  return async ({ github }, context) => {
    const decision = await routeEvent(github, stage, trigger);
    if (decision.kind === 'skip') return false;
    if (decision.pr !== undefined) context.pr = decision.pr;
    if (decision.expectedHeadSha !== undefined) context.head = decision.expectedHeadSha;
    return true;
  };
}

export function prInputs(context: RunContext): { pr: number; expectedHeadSha: string } {
  if (context.pr === undefined || context.head === undefined)
    throw new Error('the job needs the inputs pr and expected-head-sha');
  return { pr: context.pr, expectedHeadSha: context.head };
}

const ciJob: Job = (deps, context) => {
  context.ci = deps.ciConclusion();
  return Promise.resolve(true);
};

const gateJob: Job = async ({ github, config }, context) => {
  const { pr, expectedHeadSha } = prInputs(context);
  await runGate(
    { github, config },
    { pr, expectedHeadSha, ciSha: expectedHeadSha, ciConclusion: context.ci ?? 'skipped' },
  );
  return true;
};

const mergeRebaseJob: Job = async ({ github, config, workbench }, context) => {
  const prepared = await prepareMerge({ github, config, workbench }, prInputs(context));
  if (prepared.kind === 'settled') return false;
  context.candidate = prepared.candidate;
  return true;
};

const mergeCiJob: Job = (deps, context) => {
  // The workflow runs CI only on a rebased head; otherwise the gate's result stands.
  if (context.candidate?.updatedFrom !== undefined) context.ci = deps.ciConclusion();
  return Promise.resolve(true);
};

const mergeJob: Job = async ({ github, config }, context) => {
  const { candidate } = context;
  if (candidate === undefined) throw new Error('the merge job needs a candidate');
  await finishMerge(
    { github, config },
    {
      candidate,
      ...(candidate.updatedFrom === undefined ? {} : { ciConclusion: context.ci ?? 'skipped' }),
    },
  );
  return true;
};

function schedulerJob(trigger: Trigger): Job {
  return async (deps) => {
    const decision = await routeEvent(deps.github, 'scheduler', trigger);
    if (decision.kind === 'skip') return false;
    const specPathsOnMain = await deps.specPathsOnMain();
    await runScheduler({ github: deps.github, config: deps.config, specPathsOnMain });
    return true;
  };
}

const watchdogJob: Job = async ({ github, config, now }) => {
  await runWatchdog({ github, config, now });
  return true;
};

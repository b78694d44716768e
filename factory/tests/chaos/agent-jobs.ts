/**
 * The two jobs of an agent stage: the scripted agent job, then the apply job — which runs, as in
 * the workflow, whenever the route proceeded, even after the agent job crashed or stood down.
 */
import { applyPlan } from '../../src/stages/plan-apply.ts';
import { applyVerdict } from '../../src/stages/verdict.ts';
import { applyWork } from '../../src/stages/work-apply.ts';
import type { AgentStage } from '../../src/stages/agent-job.ts';
import { runScriptedAgent } from './agents.ts';
import { prInputs, type Job } from './stage-jobs.ts';

export function runAgentJobOf(stage: AgentStage, job: 'agent' | 'apply'): Job {
  return job === 'agent' ? agentJob(stage) : applyJob(stage);
}

function agentJob(stage: AgentStage): Job {
  return async (deps, context) => {
    const { pr, expectedHeadSha } = prInputs(context);
    context.agent = await runScriptedAgent(deps, {
      stage,
      pr,
      expectedHeadSha,
      behaviour: deps.behaviourFor(stage),
      attempt: deps.nextAttempt(),
    });
    return true;
  };
}

function applyJob(stage: AgentStage): Job {
  return async ({ github, config, workbench }, context) => {
    const { agent } = context;
    const ran = agent?.kind === 'ran' ? agent : undefined;
    const input = {
      ...prInputs(context),
      artifact: ran?.artifact,
      // A stood-down agent job uploads no outcome either: the apply job cannot tell the two apart.
      artifactFound: ran !== undefined,
    };
    const deps = { github, config, workbench };
    switch (stage) {
      case 'plan':
        await applyPlan(deps, input);
        return true;
      case 'implementation':
        await applyWork(deps, { ...input, patch: ran?.patch });
        return true;
      case 'plan-review':
      case 'code-review':
        await applyVerdict(deps, { ...input, stage });
        return true;
    }
  };
}

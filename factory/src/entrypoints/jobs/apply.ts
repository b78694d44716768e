/**
 * The `apply` job of an agent stage: reads the agent job's outcome, which it trusts in nothing,
 * and lets the stage's apply code judge it and write (commit, review, label, dispatch).
 */
import { applyPlan } from '../../stages/plan-apply.ts';
import { spentInTranscript } from '../../stages/spent-before-crash.ts';
import type { StageOutcome } from '../../stages/outcome.ts';
import { applyVerdict } from '../../stages/verdict.ts';
import { applyWork } from '../../stages/work-apply.ts';
import { outcomesResult, type JobResult } from '../job-result.ts';
import { readOutcomeFiles } from '../outcome-files.ts';
import type { StageContext } from '../wiring.ts';
import { requirePrInputs } from './pr-inputs.ts';

export async function run(context: StageContext): Promise<JobResult> {
  const { inputs, github, config, workbench, runUrl } = context;
  const received = await readOutcomeFiles(context.inWorkspace(inputs.outcome));
  const input = {
    ...requirePrInputs(inputs),
    artifact: received.artifact,
    artifactFound: received.found,
    spentBeforeCrash: spentInTranscript(received.usageLines, config.prices),
    runUrl,
  };
  const deps = { github, config, workbench };
  let outcome: StageOutcome;
  switch (inputs.stage) {
    case 'plan':
      outcome = await applyPlan(deps, input);
      break;
    case 'implementation':
      outcome = await applyWork(deps, { ...input, patch: received.patch });
      break;
    case 'plan-review':
    case 'code-review':
      outcome = await applyVerdict(deps, { ...input, stage: inputs.stage });
      break;
    case 'implementation-ci':
    case 'merge':
    case 'scheduler':
    case 'watchdog':
      throw new Error(`${inputs.stage} has no apply job`);
  }
  return outcomesResult([outcome]);
}

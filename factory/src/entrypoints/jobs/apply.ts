/**
 * The `apply` job of an agent stage: reads the agent job's outcome, which it trusts in nothing,
 * and lets the stage's apply code judge it and write (commit, review, label, dispatch).
 */
import { formatDollars } from '../../core/status.ts';
import { spendOf } from '../../stages/apply-common.ts';
import { applyPlan } from '../../stages/plan-apply.ts';
import { spentInTranscript, type Spend } from '../../stages/spent-before-crash.ts';
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
  const result = outcomesResult([outcome]);
  const spent = spendOf(input.artifact, input.spentBeforeCrash);
  return outcome.kind === 'stood-down' && spent.dollars > 0
    ? { ...result, summary: `${result.summary}\n- ${unrecorded(spent)}` }
    : result;
}

/**
 * A session whose PR moved on while it ran still cost what it cost. The status comment cannot say
 * so, since a stage writes nothing to a PR after a person's move, so the run page does.
 */
function unrecorded(spent: Spend): string {
  return `The session spent ${formatDollars(spent.dollars)} (${String(spent.tokens)} tokens), which the PR's status comment does not count: the PR moved on before its result could land.`;
}

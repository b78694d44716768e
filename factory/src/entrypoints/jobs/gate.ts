/** The gate's publishing job: CI ran on the exact head; publish its result and move on (design §3). */
import { runGate } from '../../stages/gate.ts';
import { outcomesResult, type JobResult } from '../job-result.ts';
import type { StageContext } from '../wiring.ts';
import { requirePrInputs } from './pr-inputs.ts';

export async function run(context: StageContext): Promise<JobResult> {
  const { inputs, github, config, runUrl } = context;
  const { pr, expectedHeadSha } = requirePrInputs(inputs);
  const outcome = await runGate(
    { github, config },
    {
      pr,
      expectedHeadSha,
      // The CI job checked out exactly this SHA (the workflow passes it as its input).
      ciSha: expectedHeadSha,
      ciConclusion: inputs.ciResult ?? 'skipped',
      runUrl,
    },
  );
  return outcomesResult([outcome]);
}

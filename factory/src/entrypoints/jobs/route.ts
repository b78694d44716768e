/** The `route` job: does this event run this stage, and for which PR and head? */
import { routeEvent } from '../../stages/route-event.ts';
import type { JobResult } from '../job-result.ts';
import { readTrigger } from '../trigger.ts';
import type { StageContext } from '../wiring.ts';

export async function run(context: StageContext): Promise<JobResult> {
  const { env, inputs, github } = context;
  const trigger = await readTrigger(env, inputs, github);
  const decision =
    trigger === undefined
      ? { kind: 'skip' as const, reason: `the ${env.GITHUB_EVENT_NAME} event starts nothing` }
      : await routeEvent(github, inputs.stage, trigger);
  if (decision.kind === 'skip')
    return { outputs: { proceed: 'false' }, summary: `Skipped: ${decision.reason}` };
  return {
    outputs: {
      proceed: 'true',
      pr: decision.pr === undefined ? '' : String(decision.pr),
      'head-sha': decision.expectedHeadSha ?? '',
    },
    summary:
      decision.pr === undefined
        ? `Running ${inputs.stage}`
        : `Running ${inputs.stage} for PR #${String(decision.pr)} at ${decision.expectedHeadSha?.slice(0, 7) ?? ''}`,
  };
}

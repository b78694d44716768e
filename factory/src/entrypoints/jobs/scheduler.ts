/**
 * The scheduler job: for a person's `state:queued` it first checks who set it; then it
 * lints the queue and puts the next spec on the line. Specs on main are read from main's checkout.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SPECS_DIR } from '../../core/spec/index.ts';
import { routeEvent } from '../../stages/route-event.ts';
import { runScheduler } from '../../stages/scheduler.ts';
import { outcomesResult, type JobResult } from '../job-result.ts';
import { readTrigger } from '../trigger.ts';
import type { StageContext } from '../wiring.ts';

export async function run(context: StageContext): Promise<JobResult> {
  const { env, inputs, github, config } = context;
  const trigger = await readTrigger(env, inputs, github);
  if (trigger === undefined)
    return { outputs: {}, summary: `The ${env.GITHUB_EVENT_NAME} event starts nothing` };
  const decision = await routeEvent(github, 'scheduler', trigger);
  if (decision.kind === 'skip') return { outputs: {}, summary: `Skipped: ${decision.reason}` };
  const names = await readdir(join(env.GITHUB_WORKSPACE, SPECS_DIR)).catch(() => []);
  const specPathsOnMain = names.map((name) => `${SPECS_DIR}/${name}`);
  return outcomesResult(await runScheduler({ github, config, specPathsOnMain }));
}

/** The watchdog job, on a schedule: re-dispatch a crashed stage once, else park it. */
import { runWatchdog } from '../../stages/watchdog.ts';
import { outcomesResult, type JobResult } from '../job-result.ts';
import type { StageContext } from '../wiring.ts';

export async function run(context: StageContext): Promise<JobResult> {
  const { github, config } = context;
  return outcomesResult(await runWatchdog({ github, config, now: () => new Date() }));
}

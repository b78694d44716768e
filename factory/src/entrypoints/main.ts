/**
 * The stage action's entry point (`.github/actions/stage`). Thin: parse the inputs, mask the
 * secrets, wire the adapters, run the one job asked for, report its outputs and summary. Each job
 * is loaded on demand, so a job that needs no model client never loads the SDK.
 */
import * as core from '@actions/core';
import { readActionInputs, readActionsEnvironment, type JobName } from './inputs.ts';
import type { JobResult } from './job-result.ts';
import { wireStage, type StageContext } from './wiring.ts';

type Job = (context: StageContext) => Promise<JobResult>;

const JOBS: Record<JobName, () => Promise<Job>> = {
  route: async () => (await import('./jobs/route.ts')).run,
  agent: async () => (await import('./jobs/agent.ts')).run,
  apply: async () => (await import('./jobs/apply.ts')).run,
  gate: async () => (await import('./jobs/gate.ts')).run,
  'merge-rebase': async () => (await import('./jobs/merge.ts')).runRebase,
  merge: async () => (await import('./jobs/merge.ts')).run,
  scheduler: async () => (await import('./jobs/scheduler.ts')).run,
  watchdog: async () => (await import('./jobs/watchdog.ts')).run,
};

async function main(): Promise<void> {
  const inputs = readActionInputs(process.env);
  core.setSecret(inputs.githubToken);
  if (inputs.modelKey !== undefined) core.setSecret(inputs.modelKey);
  // The job's code loads while the adapters are wired: the agent job's model client is the
  // heaviest part of a stage's start-up.
  const [job, context] = await Promise.all([
    JOBS[inputs.job](),
    wireStage(readActionsEnvironment(process.env), inputs),
  ]);
  const result = await job(context);
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
  core.info(result.summary);
  await core.summary
    .addHeading(`${inputs.stage} · ${inputs.job}`, 3)
    .addRaw(result.summary, true)
    .write();
}

try {
  await main();
} catch (error) {
  core.setFailed(error instanceof Error ? (error.stack ?? error.message) : String(error));
}

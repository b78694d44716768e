/** Fresh job records for a workflow's jobs, named as GitHub names their checks. */
import { evaluateString } from './expressions.ts';
import type { ExpressionScope } from './expressions.ts';
import type { JobRecord } from './records.ts';
import type { WorkflowSpec } from './workflow-model.ts';

export interface CallerJob {
  readonly key: string;
  readonly name: string;
}

/**
 * One queued record per job. A job's name is its `name:` (evaluated) or its key; inside a called
 * workflow GitHub shows `<caller job> / <called job>`, and the key becomes `<caller>/<called>`.
 */
export function createJobRecords(
  workflow: WorkflowSpec,
  scope: ExpressionScope,
  caller?: CallerJob,
): JobRecord[] {
  return workflow.jobs.map((job) => {
    let name = job.id;
    try {
      if (job.name !== undefined) name = evaluateString(job.name, scope);
    } catch {
      // A name GitHub could not evaluate shows as the job's key.
    }
    return {
      key: caller === undefined ? job.id : `${caller.key}/${job.id}`,
      name: caller === undefined ? name : `${caller.name} / ${name}`,
      status: 'queued',
      conclusion: null,
      token: null,
      concurrencyGroup: null,
      startedAt: null,
      completedAt: null,
      outputs: {},
      steps: [],
      summary: '',
      error: null,
    };
  });
}

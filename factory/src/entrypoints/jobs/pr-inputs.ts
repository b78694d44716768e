/** The PR and head a job after `route` works on: both must have been passed on. */
import type { ActionInputs } from '../inputs.ts';

export function requirePrInputs(inputs: ActionInputs): { pr: number; expectedHeadSha: string } {
  if (inputs.pr === undefined || inputs.expectedHeadSha === undefined)
    throw new Error(`the ${inputs.job} job needs the inputs pr and expected-head-sha`);
  return { pr: inputs.pr, expectedHeadSha: inputs.expectedHeadSha };
}

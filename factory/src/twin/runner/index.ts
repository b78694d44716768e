/** The twin's GitHub Actions runner. */
export { createRunner } from './runner.ts';
export type { Runner, RunnerOptions } from './runner.ts';
export type {
  JobConclusion,
  JobRecord,
  RunRecord,
  RunnerProblem,
  StepConclusion,
  StepRecord,
} from './records.ts';
export { resolveDispatchInputs } from './inputs.ts';
export type { InputsResult, InputValue } from './inputs.ts';
export { decideTrigger } from './triggers.ts';
export type { TriggerDecision } from './triggers.ts';
export { resolveJobScopes } from './permissions.ts';
export type { DefaultPermissions } from './permissions.ts';

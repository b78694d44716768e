/**
 * The agent runtime (design §5): `runAgent` runs one fresh, budgeted, sandboxed session of a role
 * and returns its outcome as data.
 */
export { runAgent } from './session.ts';
export type { PromptBuilder, RunAgentOptions } from './session.ts';
export { STOP_REASONS } from './outcome.ts';
export type { AgentOutcome, StopReason } from './outcome.ts';
export {
  PlanSubmissionSchema,
  VerdictSubmissionSchema,
  WorkSubmissionSchema,
  SEVERITIES,
} from './submissions.ts';
export type {
  PlanSubmission,
  Submission,
  VerdictSubmission,
  WorkSubmission,
} from './submissions.ts';
export type { TokenUsage } from './budget.ts';
export { costOf } from './budget.ts';
export { probeSandbox } from './sandbox.ts';
export type { SandboxStatus } from './sandbox.ts';
export { createRedactor } from './redact.ts';
export { formatRoleMarker, parseRoleMarker } from './role-marker.ts';

/**
 * The agent runtime (design §5): `runAgent` runs one fresh, budgeted, sandboxed session of a role
 * and returns its outcome as data. A stage calls it like this:
 *
 *     const outcome = await runAgent({
 *       role: 'code-reviewer',
 *       workspace,                       // the PR checkout; tools never leave it
 *       floor,                           // a checkout of main: role files and constitution
 *       task: { instruction, spec, diff },
 *       config,                          // models, prices, budgets, protected paths, commands
 *       apiKey: process.env.ANTHROPIC_API_KEY,
 *       secrets: [githubToken],          // redacted from the transcript as well
 *       transcriptPath,                  // outside the workspace; upload it as an artifact
 *     });
 *     switch (outcome.stopReason) { case 'submitted': … outcome.submission … }
 *
 * `model-unavailable` means the API kept failing after the SDK's retries (R-15: not an attempt);
 * `spend-limit` must park at once; `budget-spent`, `no-submission` and `invalid-output` are failed
 * attempts that never write.
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
export { readFloor } from './context/index.ts';
export type { FloorContent } from './context/index.ts';
export type { SandboxStatus } from './sandbox.ts';
export { createRedactor } from './redact.ts';
export { formatRoleMarker, parseRoleMarker } from './role-marker.ts';

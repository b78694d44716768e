/**
 * The submit tools: the only way a session produces output. The input is validated against the
 * role's schema (and, for work, against what actually ran); a failure goes back to the model with
 * the reasons and is counted, a success is recorded once and ends the session.
 */
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import type * as z from 'zod';
import type { Role } from '../../core/config.ts';
import {
  checkWorkClaims,
  PlanSubmissionSchema,
  VerdictSubmissionSchema,
  WorkSubmissionSchema,
  type RunLedger,
  type Submission,
} from '../submissions.ts';
import { ToolRefusal } from '../workspace-paths.ts';

/** What the submit tool has seen so far in this session. */
export interface SubmissionRecord {
  accepted: Submission | undefined;
  readonly rejections: string[];
  readonly ledger: RunLedger;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
    .join('; ');
}

function rejected(record: SubmissionRecord, reason: string): ToolRefusal {
  record.rejections.push(reason);
  return new ToolRefusal(`submission rejected: ${reason}. Fix it and submit again.`);
}

function acceptOnce(record: SubmissionRecord, submission: Submission): string {
  if (record.accepted) throw new ToolRefusal('already submitted; end your turn');
  record.accepted = submission;
  return 'Submission received. End your turn now.';
}

/**
 * Wraps a zod tool so a schema failure is counted as a rejected submission; the runner sends the
 * thrown message back as an error result.
 */
function counted<T>(
  tool: BetaRunnableTool<T>,
  schema: z.ZodType<T>,
  record: SubmissionRecord,
): BetaRunnableTool<T> {
  return {
    ...tool,
    parse: (input: unknown) => {
      const parsed = schema.safeParse(input);
      if (!parsed.success) throw rejected(record, describeIssues(parsed.error));
      return parsed.data;
    },
  };
}

/** The submit tool for `role`. */

export function createSubmitTool(role: Role, record: SubmissionRecord): BetaRunnableTool {
  switch (role) {
    case 'planner':
      return counted(
        betaZodTool({
          name: 'submit_plan',
          description: 'Submit the implementation plan. This ends your session.',
          inputSchema: PlanSubmissionSchema,
          run: (plan) => acceptOnce(record, { kind: 'plan', plan }),
        }),
        PlanSubmissionSchema,
        record,
      );
    case 'plan-reviewer':
    case 'code-reviewer':
      return counted(
        betaZodTool({
          name: 'submit_verdict',
          description: `Submit your verdict on the ${role === 'plan-reviewer' ? 'plan' : 'code'}: APPROVE or REQUEST_CHANGES with objections. This ends your session.`,
          inputSchema: VerdictSubmissionSchema,
          run: (verdict) => acceptOnce(record, { kind: 'verdict', verdict }),
        }),
        VerdictSubmissionSchema,
        record,
      );
    case 'implementer':
      return counted(
        betaZodTool({
          name: 'submit_work',
          description:
            'Submit your work once lint and tests pass: a summary and the checks you ran with their exit codes. This ends your session.',
          inputSchema: WorkSubmissionSchema,
          run: (work) => {
            const falseClaims = checkWorkClaims(work, record.ledger);
            if (falseClaims.length > 0) throw rejected(record, falseClaims.join('; '));
            return acceptOnce(record, { kind: 'work', work });
          },
        }),
        WorkSubmissionSchema,
        record,
      );
  }
}

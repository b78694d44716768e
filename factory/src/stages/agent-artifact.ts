/**
 * The hand-off between an agent job (read-only, holds only the model key) and its apply job
 * (write permission, no model key): the session's outcome as JSON. The apply job trusts nothing in
 * it: it parses it here, re-validates the submission against the role's own schema, and turns it
 * into a line event. Anything that does not validate is a failed attempt, never a write.
 */
import * as z from 'zod';
import { ROLES, type Role } from '../core/config.ts';
import type { LineEvent } from '../core/line.ts';
import {
  PlanSubmissionSchema,
  VerdictSubmissionSchema,
  WorkSubmissionSchema,
  type PlanSubmission,
  type VerdictSubmission,
  type WorkSubmission,
} from '../agent/submissions.ts';
import { STOP_REASONS } from '../agent/outcome.ts';

export const AgentArtifactSchema = z.object({
  role: z.enum(ROLES),
  stopReason: z.enum(STOP_REASONS),
  detail: z.string().max(2_000),
  /** The head the session worked on; the apply job refuses a moved head. */
  headSha: z.string().regex(/^[0-9a-f]{7,64}$/),
  // Absent when the session stopped without one (JSON drops an undefined value).
  submission: z.unknown().optional(),
  model: z.string(),
  usage: z.object({
    input: z.int().nonnegative(),
    output: z.int().nonnegative(),
    cacheRead: z.int().nonnegative(),
    cacheWrite: z.int().nonnegative(),
  }),
  dollars: z.number().nonnegative(),
  turns: z.int().nonnegative(),
  /** The implementer's changes as a git patch against `headSha`. */
  patch: z.string().optional(),
});

export type AgentArtifact = z.output<typeof AgentArtifactSchema>;

/** What a parsed artifact amounts to for the line. */
export type Reading<T> =
  | { readonly kind: 'submitted'; readonly value: T }
  | { readonly kind: 'event'; readonly event: LineEvent };

/** Parses the artifact file's text; anything malformed reads as an invalid output. */
export function parseAgentArtifact(text: string): AgentArtifact | undefined {
  try {
    const parsed = AgentArtifactSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const SCHEMAS = {
  planner: PlanSubmissionSchema,
  'plan-reviewer': VerdictSubmissionSchema,
  'code-reviewer': VerdictSubmissionSchema,
  implementer: WorkSubmissionSchema,
} as const;

export type SubmissionOf<R extends Role> = R extends 'planner'
  ? PlanSubmission
  : R extends 'implementer'
    ? WorkSubmission
    : VerdictSubmission;

/** The role's validated submission, or the event a session without one leads to. */
export function readSubmission<R extends Role>(
  artifact: AgentArtifact | undefined,
  role: R,
): Reading<SubmissionOf<R>> {
  if (artifact?.role !== role) return failed('invalid-output');
  switch (artifact.stopReason) {
    case 'submitted': {
      const parsed = SCHEMAS[role].safeParse(artifact.submission);
      return parsed.success
        ? { kind: 'submitted', value: parsed.data as SubmissionOf<R> }
        : failed('invalid-output');
    }
    case 'invalid-output':
    case 'no-submission':
      return failed(artifact.stopReason);
    case 'budget-spent':
    case 'spend-limit':
    case 'model-unavailable':
      return {
        kind: 'event',
        event: { type: 'blocked', reason: artifact.stopReason, detail: artifact.detail },
      };
  }
}

function failed(reason: 'invalid-output' | 'no-submission'): { kind: 'event'; event: LineEvent } {
  return { kind: 'event', event: { type: 'attempt-failed', reason } };
}

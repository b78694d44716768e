/**
 * The typed outputs that end a session: each role's submit tool takes exactly its stage's output
 * schema, and routing reads that object, never prose. A submission that fails its schema is
 * answered with the reasons and is never a write.
 */
import * as z from 'zod';
import type { Role } from '../core/config.ts';

const RelativePath = z
  .string()
  .min(1)
  .refine((value) => !value.startsWith('/') && !value.split('/').includes('..'), {
    error: 'must be a path relative to the repository root, without ..',
  });

/**
 * Text a person reads on the branch. A control character (a NUL above all) would make git and
 * GitHub treat the plan as a binary file, whose contents no diff shows and no merge check scans.
 */
const Text = z.string().refine((text) => !hasControlCharacter(text), {
  error: 'must be plain text: no control characters other than tabs and line breaks',
});

function hasControlCharacter(text: string): boolean {
  for (const character of text) {
    const code = character.charCodeAt(0);
    if (code === 0x7f || (code < 0x20 && !'\t\n\r'.includes(character))) return true;
  }
  return false;
}

export const PlanSubmissionSchema = z
  .object({
    summary: Text.min(1).max(500).describe('One paragraph: what the plan does.'),
    markdown: Text.min(1).describe('The whole implementation plan, in Markdown.'),
    files: z
      .array(RelativePath)
      .min(1)
      .describe('Every file the plan expects to add, change or delete.'),
  })
  .strict();

export const SEVERITIES = ['blocker', 'major', 'minor', 'nit'] as const;

const ObjectionSchema = z
  .object({
    severity: z.enum(SEVERITIES),
    location: z
      .string()
      .min(1)
      .describe('Where: a file and line (src/x.ts:12), or a plan or spec section.'),
    message: z.string().min(1).describe('What is wrong and what would make it right.'),
  })
  .strict();

export const VerdictSubmissionSchema = z
  .object({
    verdict: z.enum(['APPROVE', 'REQUEST_CHANGES']),
    summary: z.string().min(1).max(2_000),
    objections: z.array(ObjectionSchema),
  })
  .strict()
  .superRefine((value, context) => {
    const blocking = value.objections.filter(
      (o) => o.severity === 'blocker' || o.severity === 'major',
    );
    if (value.verdict === 'REQUEST_CHANGES' && blocking.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['objections'],
        message: 'REQUEST_CHANGES needs at least one blocker or major objection',
      });
    }
    if (value.verdict === 'APPROVE' && blocking.length > 0) {
      context.addIssue({
        code: 'custom',
        path: ['verdict'],
        message: 'APPROVE cannot carry blocker or major objections',
      });
    }
  });

export const WorkSubmissionSchema = z
  .object({
    summary: z.string().min(1).max(4_000).describe('What changed and why.'),
    commands: z
      .array(
        z
          .object({
            command: z.string().min(1).describe('A command you ran with the run tool, exactly.'),
            exitCode: z.int().describe('Its exit code on the last run.'),
          })
          .strict(),
      )
      .min(1)
      .describe('The checks you ran, each with the exit code of its last run.'),
  })
  .strict();

export type PlanSubmission = z.output<typeof PlanSubmissionSchema>;
export type VerdictSubmission = z.output<typeof VerdictSubmissionSchema>;
export type WorkSubmission = z.output<typeof WorkSubmissionSchema>;

/** What each role submits, tagged by kind so a stage can switch on it. */
export type Submission =
  | { readonly kind: 'plan'; readonly plan: PlanSubmission }
  | { readonly kind: 'verdict'; readonly verdict: VerdictSubmission }
  | { readonly kind: 'work'; readonly work: WorkSubmission };

export type SubmissionFor<R extends Role> = R extends 'planner'
  ? Extract<Submission, { kind: 'plan' }>
  : R extends 'implementer'
    ? Extract<Submission, { kind: 'work' }>
    : Extract<Submission, { kind: 'verdict' }>;

/** The exit code of each command's last run, as the runtime saw it. */
export type RunLedger = ReadonlyMap<string, number | null>;

/**
 * A work submission must tell the truth about its checks: every command it cites ran in this
 * session with that exit code on its last run.
 */
export function checkWorkClaims(work: WorkSubmission, ledger: RunLedger): string[] {
  return work.commands.flatMap(({ command, exitCode }) => {
    if (!ledger.has(command)) return [`"${command}" was never run in this session`];
    const actual = ledger.get(command);
    return actual === exitCode
      ? []
      : [`"${command}" last exited with ${String(actual ?? 'a timeout')}, not ${String(exitCode)}`];
  });
}

/**
 * The factory's configuration: one object holds every limit the line enforces, parsed once at the
 * edge (the file `factory.config.yaml` at the repository root) and passed around as plain data.
 * Every key has a default, so an empty file is a valid configuration.
 */
import * as z from 'zod';
import type { WorkingState } from './states.ts';

export const ROLES = ['planner', 'plan-reviewer', 'implementer', 'code-reviewer'] as const;
export type Role = (typeof ROLES)[number];

export const CONFIG_FILE = 'factory.config.yaml';

const DEFAULT_MODEL = 'claude-sonnet-4-6';

const count = (fallback: number, description: string) =>
  z.int().nonnegative().default(fallback).describe(description);
const positive = (fallback: number) => z.number().positive().default(fallback);

const ModelsSchema = z
  .object({
    planner: z
      .string()
      .min(1)
      .default(DEFAULT_MODEL)
      .describe('Model of the planner, which writes the implementation plan.'),
    'plan-reviewer': z
      .string()
      .min(1)
      .default(DEFAULT_MODEL)
      .describe('Model of the plan reviewer (read-only), which approves the plan or objects.'),
    implementer: z
      .string()
      .min(1)
      .default(DEFAULT_MODEL)
      .describe('Model of the implementer, which writes the code and runs the checks.'),
    'code-reviewer': z
      .string()
      .min(1)
      .default(DEFAULT_MODEL)
      .describe('Model of the code reviewer (read-only), which judges the diff.'),
  })
  .strict()
  .prefault({})
  .describe(
    'Model per agent role. Every model named here needs an entry in `prices`, so spending can be bounded.',
  );

const RetriesSchema = z
  .object({
    plan: count(2, 'Retries of the plan stage.'),
    'plan-review': count(2, 'Retries of the plan review.'),
    implementation: count(2, 'Retries of the implementation stage.'),
    'implementation-ci': count(
      2,
      'Retries of the CI gate (a cancelled or crashed run, a head sent back to be tested). Red CI sends the PR to the implementer and counts against `implementation`.',
    ),
    'code-review': count(2, 'Retries of the code review.'),
    merge: count(2, 'Retries of the merge (rebase, re-test, guardrails, squash).'),
  })
  .strict()
  .prefault({})
  .describe(
    'Retries per stage after its first attempt, counted since the last label move a person made. A stage that has none left parks the PR (`retries-exhausted`).',
  );

const STAGE_BUDGET_FIELDS = {
  maxTurns: z.int().positive().describe('Model replies in one session.'),
  maxOutputTokensPerTurn: z
    .int()
    .positive()
    .describe('Output tokens the model may write in one reply.'),
  maxTotalTokens: z
    .int()
    .positive()
    .describe('Input and output tokens over the whole session, cached reads included.'),
  maxDollars: z
    .number()
    .positive()
    .describe('Dollars one session may spend, priced from the usage the API reports.'),
  // The agent job that runs a session stops at 60 minutes (`agent-stage.yml`), checkout, install
  // and upload included: a session allowed longer would end as a crash, not as `budget-spent`.
  wallClockMinutes: z
    .number()
    .positive()
    .max(50)
    .describe('Minutes one session may run; at most 50, since its job stops at 60.'),
};

const StageBudgetSchema = z
  .object({
    maxTurns: STAGE_BUDGET_FIELDS.maxTurns.default(40),
    maxOutputTokensPerTurn: STAGE_BUDGET_FIELDS.maxOutputTokensPerTurn.default(8_000),
    maxTotalTokens: STAGE_BUDGET_FIELDS.maxTotalTokens.default(2_000_000),
    maxDollars: STAGE_BUDGET_FIELDS.maxDollars.default(5),
    wallClockMinutes: STAGE_BUDGET_FIELDS.wallClockMinutes.default(30),
  })
  .strict();

/** A role's overrides: only the fields it names replace the shared ceiling. */
const StageBudgetOverrideSchema = z.object(STAGE_BUDGET_FIELDS).partial().strict();

export type StageBudget = z.output<typeof StageBudgetSchema>;

const BudgetsSchema = z
  .object({
    /** Ceiling for one agent session of any role, unless `perRole` narrows it. */
    perSession: StageBudgetSchema.prefault({}).describe(
      'Ceilings for one agent session of any role; a session that would pass one stops and the PR parks (`budget-spent`).',
    ),
    perRole: z
      .partialRecord(z.enum(ROLES), StageBudgetOverrideSchema)
      .default({})
      .describe(
        'Per-role overrides of the `perSession` ceilings: only the fields a role names change, e.g. `implementer: { maxTurns: 80 }`.',
      ),
    perPrDollars: positive(25).describe(
      'Dollars all sessions on one pull request may spend together.',
    ),
    perDayDollars: positive(100).describe(
      'Dollars the line may spend in one UTC day, across pull requests. Once reached, the scheduler puts no queued spec on the line before the next day; a PR already on the line goes on within `perPrDollars` (ADR 0010).',
    ),
  })
  .strict()
  .prefault({})
  .describe('Spending ceilings: per agent session, per pull request and per UTC day.');

const PriceSchema = z
  .object({
    inputPerMTok: z.number().nonnegative().describe('Dollars per million input tokens.'),
    outputPerMTok: z.number().nonnegative().describe('Dollars per million output tokens.'),
    cacheReadPerMTok: z
      .number()
      .nonnegative()
      .describe('Dollars per million input tokens read from the prompt cache.'),
    cacheWritePerMTok: z
      .number()
      .nonnegative()
      .describe('Dollars per million input tokens written to the prompt cache.'),
  })
  .strict();

export type Price = z.output<typeof PriceSchema>;

/** List prices in dollars per million tokens; override or extend them in the config file. */
export const DEFAULT_PRICES: Record<string, Price> = {
  'claude-opus-4-6': {
    inputPerMTok: 5,
    outputPerMTok: 25,
    cacheReadPerMTok: 0.5,
    cacheWritePerMTok: 6.25,
  },
  'claude-sonnet-4-6': {
    inputPerMTok: 3,
    outputPerMTok: 15,
    cacheReadPerMTok: 0.3,
    cacheWritePerMTok: 3.75,
  },
  'claude-haiku-4-5': {
    inputPerMTok: 1,
    outputPerMTok: 5,
    cacheReadPerMTok: 0.1,
    cacheWritePerMTok: 1.25,
  },
};

/**
 * Paths agents may never change (design §8). Globs: `**` crosses folders, `*` does not. Besides
 * the line itself, the floor includes what decides whether the product passes: the `check` script
 * CI runs (`package.json`), the compiler, lint, format and test configuration, and the scripts.
 * It also includes what runs or decides outside the sandbox: the package manager's settings and
 * hooks (the implementer's job installs the PR's dependencies before its session), git's view of
 * the files (`.gitattributes` can mark text as binary, which hides it from every diff, the size
 * limits and the secret scan), and who must review (`CODEOWNERS`, wherever GitHub looks for it).
 */
export const DEFAULT_PROTECTED_PATHS = [
  '.github/**',
  '.claude/**',
  'factory/**',
  'CLAUDE.md',
  'AGENTS.md',
  'docs/principles.md',
  'docs/adr/**',
  'specs/**',
  CONFIG_FILE,
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  '**/.pnpmfile.*',
  '**/.npmrc',
  '**/.gitattributes',
  'CODEOWNERS',
  'docs/CODEOWNERS',
  // In any folder: ESLint, Prettier and TypeScript take the configuration nearest to each file.
  '**/package.json',
  '**/tsconfig*.json',
  '**/eslint.config.*',
  '**/.prettierrc*',
  '**/prettier.config.*',
  '**/.prettierignore',
  '**/.editorconfig',
  '**/vitest.config.*',
  'scripts/**',
  '.ci/**',
] as const;

const CommandsSchema = z
  .object({
    /** Exact command lines the implementer's `run` tool may execute (sandboxed). */
    allowlist: z
      .array(z.string().min(1))
      .default(['pnpm run check', 'pnpm run fix', 'pnpm exec vitest run --project product'])
      .describe(
        "Exact command lines the implementer's sandboxed `run` tool may execute. A list you give replaces the default one.",
      ),
    timeoutSeconds: z
      .int()
      .positive()
      .default(600)
      .describe('A command still running after this many seconds is stopped.'),
    maxOutputBytes: z
      .int()
      .positive()
      .default(30_000)
      .describe("Bytes of a command's output the implementer is shown; the rest is cut."),
  })
  .strict()
  .prefault({})
  .describe('What the implementer may run while it works.');

export const FactoryConfigSchema = z
  .object({
    models: ModelsSchema,
    retries: RetriesSchema,
    budgets: BudgetsSchema,
    prices: z
      .record(z.string().min(1), PriceSchema)
      .default(DEFAULT_PRICES)
      .describe(
        'List prices per model, which turn reported usage into dollars. A map you give replaces the default one: list every model you use.',
      ),
    protectedPaths: z
      .array(z.string().min(1))
      .default([...DEFAULT_PROTECTED_PATHS])
      .describe(
        'Paths agents may never change (globs: `**` crosses folders, `*` does not); a change to one parks the PR (`protected-path`). A list you give replaces the default one.',
      ),
    diffLimits: z
      .object({
        maxFiles: z.int().positive().default(40).describe('Files a pull request may change.'),
        maxChangedLines: z
          .int()
          .positive()
          .default(2_000)
          .describe('Lines a pull request may add and remove, together.'),
      })
      .strict()
      .prefault({})
      .describe('Size limits a diff must keep to before a merge (`diff-too-large`).'),
    /** Commit-status contexts that must be green on the exact head SHA before a merge. */
    requiredChecks: z
      .array(z.string().min(1))
      .min(1)
      .default(['factory/ci'])
      .describe(
        'Commit-status contexts that must be green on the exact head commit before a merge. Require the same ones in branch protection.',
      ),
    identity: z
      .object({
        // A GitHub App identity is not offered: no workflow mints its token, so a setting that
        // named one would change nothing but the line's expectations.
        mode: z
          .literal('default-token', {
            error:
              'the only identity is default-token: no workflow mints a GitHub App token (operating guide, "Identity")',
          })
          .default('default-token')
          .describe(
            "`default-token`, the only identity the workflows wire: each workflow's own token, no setup beyond repository settings.",
          ),
      })
      .strict()
      .prefault({})
      .describe('Which GitHub identity the line acts as.'),
    commands: CommandsSchema,
    /** A stage with no run in progress for longer than this is crashed (watchdog, R-03). */
    stageTimeoutMinutes: z
      .int()
      .positive()
      .default(45)
      .describe(
        'A stage with no run in progress for longer than this is treated as crashed: the watchdog dispatches it once more, then parks the PR (`stage-crashed`).',
      ),
    /** How many PRs may be on the line at once; serial by default. */
    maxInFlight: z
      .int()
      .positive()
      .default(1)
      .describe('Pull requests on the line at once; 1 means one at a time, in queue order.'),
    defaultBranch: z
      .string()
      .min(1)
      .default('main')
      .describe('The branch the line merges into, and whose workflows run every stage.'),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const role of ROLES) {
      const model = config.models[role];
      if (!(model in config.prices)) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', role],
          message: `no price for model "${model}": add it under prices so spend can be bounded`,
        });
      }
    }
  });

export type FactoryConfig = z.output<typeof FactoryConfigSchema>;
export type FactoryConfigInput = z.input<typeof FactoryConfigSchema>;

/** The configuration a fork gets with an empty or missing config file. */
export function defaultConfig(): FactoryConfig {
  return FactoryConfigSchema.parse({});
}

/** The session budget for a role: the shared ceiling narrowed by the role's own overrides. */
export function budgetFor(config: FactoryConfig, role: Role): StageBudget {
  const shared = config.budgets.perSession;
  const own = config.budgets.perRole[role] ?? {};
  return {
    maxTurns: own.maxTurns ?? shared.maxTurns,
    maxOutputTokensPerTurn: own.maxOutputTokensPerTurn ?? shared.maxOutputTokensPerTurn,
    maxTotalTokens: own.maxTotalTokens ?? shared.maxTotalTokens,
    maxDollars: own.maxDollars ?? shared.maxDollars,
    wallClockMinutes: own.wallClockMinutes ?? shared.wallClockMinutes,
  };
}

/** Retries allowed for a stage: attempts = retries + 1. */
export function maxAttempts(config: FactoryConfig, stage: WorkingState): number {
  return config.retries[stage] + 1;
}

/**
 * The factory's configuration: one object holds every limit the line enforces, parsed once at the
 * edge (the file `factory.config.yaml` at the repository root) and passed around as plain data.
 * Every key has a default, so an empty file is a valid configuration.
 */
import { z } from 'zod';
import type { WorkingState } from './states.ts';

export const ROLES = ['planner', 'plan-reviewer', 'implementer', 'code-reviewer'] as const;
export type Role = (typeof ROLES)[number];

export const CONFIG_FILE = 'factory.config.yaml';

const DEFAULT_MODEL = 'claude-sonnet-4-6';

const count = (fallback: number) => z.int().nonnegative().default(fallback);
const positive = (fallback: number) => z.number().positive().default(fallback);

const ModelsSchema = z
  .object({
    planner: z.string().min(1).default(DEFAULT_MODEL),
    'plan-reviewer': z.string().min(1).default(DEFAULT_MODEL),
    implementer: z.string().min(1).default(DEFAULT_MODEL),
    'code-reviewer': z.string().min(1).default(DEFAULT_MODEL),
  })
  .strict()
  .prefault({});

const RetriesSchema = z
  .object({
    plan: count(2),
    'plan-review': count(2),
    implementation: count(2),
    'implementation-ci': count(2),
    'code-review': count(2),
    merge: count(2),
  })
  .strict()
  .prefault({});

const STAGE_BUDGET_FIELDS = {
  maxTurns: z.int().positive(),
  maxOutputTokensPerTurn: z.int().positive(),
  maxTotalTokens: z.int().positive(),
  maxDollars: z.number().positive(),
  wallClockMinutes: z.number().positive(),
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
    perSession: StageBudgetSchema.prefault({}),
    perRole: z.partialRecord(z.enum(ROLES), StageBudgetOverrideSchema).default({}),
    perPrDollars: positive(25),
    perDayDollars: positive(100),
  })
  .strict()
  .prefault({});

const PriceSchema = z
  .object({
    inputPerMTok: z.number().nonnegative(),
    outputPerMTok: z.number().nonnegative(),
    cacheReadPerMTok: z.number().nonnegative(),
    cacheWritePerMTok: z.number().nonnegative(),
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

/** Paths agents may never change (design §8). Globs: `**` crosses folders, `*` does not. */
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
  '.ci/**',
] as const;

const CommandsSchema = z
  .object({
    /** Exact command lines the implementer's `run` tool may execute (sandboxed). */
    allowlist: z
      .array(z.string().min(1))
      .default([
        'pnpm test',
        'pnpm run typecheck',
        'pnpm run lint',
        'pnpm run format',
        'pnpm exec vitest run',
      ]),
    timeoutSeconds: z.int().positive().default(600),
    maxOutputBytes: z.int().positive().default(30_000),
  })
  .strict()
  .prefault({});

export const FactoryConfigSchema = z
  .object({
    models: ModelsSchema,
    retries: RetriesSchema,
    budgets: BudgetsSchema,
    prices: z.record(z.string().min(1), PriceSchema).default(DEFAULT_PRICES),
    protectedPaths: z.array(z.string().min(1)).default([...DEFAULT_PROTECTED_PATHS]),
    diffLimits: z
      .object({
        maxFiles: z.int().positive().default(40),
        maxChangedLines: z.int().positive().default(2_000),
      })
      .strict()
      .prefault({}),
    /** Commit-status contexts that must be green on the exact head SHA before a merge. */
    requiredChecks: z.array(z.string().min(1)).min(1).default(['factory/ci']),
    identity: z
      .object({ mode: z.enum(['default-token', 'app']).default('default-token') })
      .strict()
      .prefault({}),
    commands: CommandsSchema,
    /** A stage with no run in progress for longer than this is crashed (watchdog, R-03). */
    stageTimeoutMinutes: z.int().positive().default(45),
    /** How many PRs may be on the line at once; serial by default. */
    maxInFlight: z.int().positive().default(1),
    defaultBranch: z.string().min(1).default('main'),
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

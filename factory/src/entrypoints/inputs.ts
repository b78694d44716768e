/**
 * The stage action's inputs and the Actions environment, parsed once at the edge. Actions passes
 * each `with:` input as `INPUT_<NAME>` (upper case, spaces to underscores); an absent optional
 * input arrives as an empty string, which reads here as "not given".
 */
import * as z from 'zod';
import { WORKING_STATES } from '../core/states.ts';

export const JOBS = [
  'route',
  'agent',
  'apply',
  'gate',
  'merge-rebase',
  'merge',
  'scheduler',
  'watchdog',
] as const;
export type JobName = (typeof JOBS)[number];

const STAGES = [...WORKING_STATES, 'scheduler', 'watchdog'] as const;

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankAsUndefined, schema.optional());

const Sha = z.string().regex(/^[0-9a-f]{40}$/, 'must be a full 40-character commit SHA');

export const ActionInputsSchema = z.object({
  stage: z.enum(STAGES),
  job: z.enum(JOBS),
  pr: optional(z.coerce.number().int().positive()),
  expectedHeadSha: optional(Sha),
  githubToken: z.string().min(1, 'github-token is required'),
  modelKey: optional(z.string()),
  modelBaseUrl: optional(z.url()),
  /** Where the PR head is checked out, relative to the workspace (agent jobs). */
  workspace: z.string().min(1).default('work'),
  /** Where the agent job leaves its outcome and the apply job finds it, relative to the workspace. */
  outcome: z.string().min(1).default('outcome'),
  ciResult: optional(z.enum(['success', 'failure', 'cancelled', 'skipped'])),
  candidate: optional(z.string()),
});
export type ActionInputs = z.output<typeof ActionInputsSchema>;

export const ActionsEnvironmentSchema = z.object({
  GITHUB_REPOSITORY: z.string().regex(/^[^/]+\/[^/]+$/),
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  GITHUB_SERVER_URL: z.url().default('https://github.com'),
  GITHUB_WORKSPACE: z.string().min(1),
  GITHUB_EVENT_NAME: z.string().min(1),
  GITHUB_EVENT_PATH: z.string().min(1),
  GITHUB_RUN_ID: z.string().min(1),
  RUNNER_TEMP: z.string().min(1),
});
export type ActionsEnvironment = z.output<typeof ActionsEnvironmentSchema>;

/** Reads the inputs from `env`; a bad one throws an error naming it. */
export function readActionInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const input = (name: string) => env[`INPUT_${name.toUpperCase()}`]?.trim() ?? '';
  return ActionInputsSchema.parse({
    stage: input('stage'),
    job: input('job'),
    pr: input('pr'),
    expectedHeadSha: input('expected-head-sha'),
    githubToken: input('github-token'),
    modelKey: input('model-key'),
    modelBaseUrl: input('model-base-url'),
    workspace: input('workspace') || undefined,
    outcome: input('outcome') || undefined,
    ciResult: input('ci-result'),
    candidate: input('candidate'),
  });
}

export function readActionsEnvironment(env: NodeJS.ProcessEnv): ActionsEnvironment {
  return ActionsEnvironmentSchema.parse(env);
}

/**
 * Prompt and context assembly for agent sessions. One call:
 *
 *     const prompt = await buildSessionPrompt({ workspace, role, task });
 *     client.beta.messages.toolRunner({
 *       model: prompt.model ?? config.models[role],
 *       system: prompt.system,                      // one cache breakpoint, end of the stable part
 *       messages: [{ role: 'user', content: prompt.user }],
 *       tools: toolsFor(prompt.tools), ...
 *     });
 *
 * The system blocks are: the role prompt with the house rules, then the constitution (`CLAUDE.md`,
 * `docs/principles.md`) carrying the cache breakpoint, then the decision context (a compact ADR
 * index, the most relevant ADRs in full, an index of past specs) sized to `tokenBudget`. The user
 * message holds the task, every untrusted piece fenced as data. The session loop should also put a
 * breakpoint on the newest message of each request so the growing conversation is read from the
 * cache too (the API allows four breakpoints; this uses one).
 *
 * Pass `floor` (a checkout of the default branch) so a pull request cannot rewrite the prompts,
 * constitution or ADRs that judge it, and `library` (from `readContextLibrary`) to skip re-reading
 * and re-tokenising when assembling several prompts in one process.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '../../core/config.ts';
import { assembleSessionPrompt, type ConstitutionFile } from './assemble.ts';
import { readContextLibrary, type ContextLibrary } from './library.ts';
import { loadRoleDefinition } from './role-definition.ts';
import type { BuildSessionPromptInput, FloorContent, SessionPrompt } from './types.ts';
import { DEFAULT_TOKEN_BUDGET } from './types.ts';

export type * from './types.ts';
export { DEFAULT_TOKEN_BUDGET, TOOL_NAMES } from './types.ts';
export type { RoleDefinition } from './role-definition.ts';
export {
  loadRoleDefinition,
  parseRoleDefinition,
  RoleDefinitionError,
  ROLE_TOOLS,
  SUBMIT_TOOL,
  roleFilePath,
} from './role-definition.ts';
export { DATA_POLICY, fenceUntrusted, sanitizeUntrusted } from './untrusted.ts';
export type { ContextLibrary } from './library.ts';
export { readContextLibrary, createContextLibrary } from './library.ts';
export { estimateTokens } from './tokens.ts';

/** The constitution every role reads first, in this order. */
export const CONSTITUTION_FILES = ['CLAUDE.md', 'docs/principles.md'] as const;

async function readConstitution(floor: string): Promise<ConstitutionFile[]> {
  return Promise.all(
    CONSTITUTION_FILES.map(async (file) => ({
      path: file,
      text: await readFile(path.join(floor, file), 'utf8').catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }),
    })),
  );
}

/**
 * Reads the role file, the constitution and the decision library from `floor` (a checkout of the
 * default branch). Throws `RoleDefinitionError` when the role file is missing or invalid.
 */
export async function readFloor(
  floor: string,
  role: Role,
  library?: ContextLibrary,
): Promise<FloorContent> {
  const [definition, constitution, read] = await Promise.all([
    loadRoleDefinition(floor, role),
    readConstitution(floor),
    library ?? readContextLibrary(floor),
  ]);
  return { definition, constitution, library: read };
}

/**
 * Assembles the prompt for one session of `role` on `task`. Throws `RoleDefinitionError` when the
 * role file is missing or invalid. When the fixed parts alone exceed `tokenBudget` the prompt is
 * still returned (the task cannot be dropped) without full-text ADRs; `stats.tokens` shows it.
 */
export async function buildSessionPrompt(input: BuildSessionPromptInput): Promise<SessionPrompt> {
  const { definition, constitution, library } = await (input.floorContent ??
    readFloor(input.floor ?? input.workspace, input.role, input.library));
  if (definition.role !== input.role)
    throw new Error(`the floor read for ${definition.role} cannot prompt the ${input.role}`);
  return assembleSessionPrompt({
    definition,
    constitution,
    library,
    task: input.task,
    tokenBudget: input.tokenBudget ?? DEFAULT_TOKEN_BUDGET,
  });
}

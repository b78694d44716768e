/**
 * Prompt and context assembly for one agent session: one call, `buildSessionPrompt`, turns a
 * workspace, a role and a task into the system blocks and first user message the session loop
 * sends. (Work in progress: the body grows ranking and budgeting; the signature is stable.)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildSessionPromptInput, SessionPrompt, SystemBlock } from './types.ts';
import { DEFAULT_TOKEN_BUDGET } from './types.ts';

export type * from './types.ts';
export { DEFAULT_TOKEN_BUDGET, TOOL_NAMES } from './types.ts';

const readOptional = async (file: string): Promise<string> =>
  readFile(file, 'utf8').catch(() => '');

/** Assembles the prompt for one session of `role` on `task` in `workspace`. */
export async function buildSessionPrompt(input: BuildSessionPromptInput): Promise<SessionPrompt> {
  const { workspace, role, task } = input;
  const rolePrompt = await readFile(
    path.join(workspace, '.claude', 'agents', `${role}.md`),
    'utf8',
  );
  const constitution = [
    await readOptional(path.join(workspace, 'CLAUDE.md')),
    await readOptional(path.join(workspace, 'docs', 'principles.md')),
  ].join('\n\n');
  const system: SystemBlock[] = [
    { type: 'text', text: rolePrompt },
    { type: 'text', text: constitution, cache_control: { type: 'ephemeral' } },
  ];
  const user = `${task.instruction}\n\n<data label="spec ${task.spec.path}">\n${task.spec.text}\n</data>`;
  const tokens = Math.ceil((rolePrompt.length + constitution.length + user.length) / 4);
  return {
    system,
    user,
    model: undefined,
    tools: [],
    stats: {
      tokens,
      stableTokens: Math.ceil((rolePrompt.length + constitution.length) / 4),
      tokenBudget: input.tokenBudget ?? DEFAULT_TOKEN_BUDGET,
      adrsInFull: [],
      adrIndex: { shown: 0, total: 0 },
      specIndex: { shown: 0, total: 0 },
    },
  };
}

/**
 * Role prompt files: `.claude/agents/<role>.md`, Markdown with YAML front matter in the format
 * Claude Code reads for sub-agents (`name`, `description`, `model`, `tools`), so a person can run
 * the same role by hand. People edit these files, so a broken one must fail loudly and say which
 * file and which field to fix.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import type { Role } from '../../core/config.ts';
import type { ToolName } from './types.ts';

const READ_TOOLS = ['read_file', 'list_files', 'search'] as const;

/** The tools the runtime offers each role; a role file may grant a subset that keeps the submit tool. */
export const ROLE_TOOLS = {
  planner: [...READ_TOOLS, 'submit_plan'],
  'plan-reviewer': [...READ_TOOLS, 'submit_verdict'],
  implementer: [...READ_TOOLS, 'write_file', 'edit_file', 'run', 'submit_work'],
  'code-reviewer': [...READ_TOOLS, 'submit_verdict'],
} as const satisfies Record<Role, readonly ToolName[]>;

/** The tool that ends each role's session with its typed output. */
export const SUBMIT_TOOL = {
  planner: 'submit_plan',
  'plan-reviewer': 'submit_verdict',
  implementer: 'submit_work',
  'code-reviewer': 'submit_verdict',
} as const satisfies Record<Role, ToolName>;

export interface RoleDefinition {
  readonly role: Role;
  /** Workspace-relative path of the file it came from. */
  readonly file: string;
  readonly description: string;
  /** A full model id, or undefined when the file omits it or says `inherit`. */
  readonly model: string | undefined;
  readonly tools: readonly ToolName[];
  /** The Markdown after the front matter: the role's system prompt. */
  readonly prompt: string;
}

/** A role file that cannot be used; the message names the file and the field. */
export class RoleDefinitionError extends Error {
  override readonly name = 'RoleDefinitionError';
  readonly file: string;
  readonly field: string;
  constructor(file: string, field: string, problem: string) {
    super(`${file}: ${field}: ${problem}`);
    this.file = file;
    this.field = field;
  }
}

/** Workspace-relative path of a role's prompt file. */
export function roleFilePath(role: Role): string {
  return `.claude/agents/${role}.md`;
}

/** Claude Code's short model names: they move between versions, so they cannot be priced. */
const CLAUDE_CODE_ALIASES = new Set(['haiku', 'sonnet', 'opus']);

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Claude Code accepts `tools` as a comma-separated string or a YAML list. */
const toolList = z.union([
  z.string().transform((s) =>
    s
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  ),
  z.array(z.string()),
]);

function frontMatterSchema(role: Role) {
  const allowed: readonly string[] = ROLE_TOOLS[role];
  return z.object({
    name: z.literal(role, { error: `must be "${role}", the file's role` }),
    description: z
      .string({ error: 'must be a non-empty string' })
      .trim()
      .min(1, 'must not be empty'),
    model: z
      .string({ error: 'must be a model id or "inherit"' })
      .trim()
      .min(1)
      .refine((model) => !CLAUDE_CODE_ALIASES.has(model), {
        error: 'use a full model id (e.g. claude-sonnet-4-6) or "inherit": spend is priced by id',
      })
      .optional(),
    tools: toolList.superRefine((tools, ctx) => {
      for (const tool of tools) {
        if (!allowed.includes(tool)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown tool "${tool}" for ${role} (allowed: ${allowed.join(', ')})`,
          });
        }
      }
      if (!tools.includes(SUBMIT_TOOL[role])) {
        ctx.addIssue({ code: 'custom', message: `must include ${SUBMIT_TOOL[role]}` });
      }
    }),
  });
}

function splitFrontMatter(
  file: string,
  text: string,
): { data: Record<string, unknown>; body: string } {
  const match = FRONT_MATTER.exec(text.replace(/^\uFEFF/, ''));
  if (match === null) {
    throw new RoleDefinitionError(
      file,
      'front matter',
      'missing: the file must start with a block between --- lines',
    );
  }
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '');
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RoleDefinitionError(file, 'front matter', `not valid YAML: ${reason ?? ''}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new RoleDefinitionError(file, 'front matter', 'must be a YAML mapping of fields');
  }
  return { data: data as Record<string, unknown>, body: text.slice(match[0].length) };
}

/** The first schema issue as a `RoleDefinitionError`: a field left out reads as "missing". */
function issueError(
  file: string,
  data: Record<string, unknown>,
  issue: z.core.$ZodIssue | undefined,
): RoleDefinitionError {
  if (issue === undefined || issue.path.length === 0) {
    return new RoleDefinitionError(file, 'front matter', issue?.message ?? 'invalid');
  }
  const field = issue.path.join('.');
  const missing = issue.path.length === 1 && data[String(issue.path[0])] === undefined;
  return new RoleDefinitionError(file, field, missing ? 'missing' : issue.message);
}

/** Parses and validates the text of a role file; throws `RoleDefinitionError`. */
export function parseRoleDefinition(role: Role, file: string, text: string): RoleDefinition {
  const { data, body } = splitFrontMatter(file, text);
  const parsed = frontMatterSchema(role).safeParse(data);
  if (!parsed.success) throw issueError(file, data, parsed.error.issues[0]);
  const { description, model, tools } = parsed.data;
  if (body.trim() === '')
    throw new RoleDefinitionError(file, 'body', 'the prompt after the front matter is empty');
  return {
    role,
    file,
    description,
    model: model === undefined || model === 'inherit' ? undefined : model,
    tools: tools as ToolName[],
    prompt: body.trim(),
  };
}

/** Reads and validates `.claude/agents/<role>.md` in `workspace`. */
export async function loadRoleDefinition(workspace: string, role: Role): Promise<RoleDefinition> {
  const file = roleFilePath(role);
  let text: string;
  try {
    text = await readFile(path.join(workspace, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new RoleDefinitionError(
      file,
      'file',
      code === 'ENOENT' ? 'missing' : `cannot be read (${code})`,
    );
  }
  return parseRoleDefinition(role, file, text);
}

/**
 * The tools each role gets, as runnable zod tools for the SDK's tool runner. Readers get
 * `read_file`, `list_files` and `search`; the implementer also `write_file`, `edit_file` and `run`;
 * each role ends with its submit tool. Every failure is thrown as an error the runner hands back
 * to the model as an `is_error` tool result: a tool never crashes the session.
 */
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import * as z from 'zod';
import type { Role } from '../../core/config.ts';
import { ROLE_TOOLS, type ToolName } from '../context/index.ts';
import { createSubmitTool, type SubmissionRecord } from './submit.ts';
import {
  editFileTool,
  listFilesTool,
  readFileTool,
  searchTool,
  writeFileTool,
  type FileToolContext,
} from './files.ts';
import { runCommandTool, type RunToolContext } from './run.ts';
import { ToolRefusal } from '../workspace-paths.ts';

export type { CommandRun, RunToolContext } from './run.ts';
export type { FileToolContext } from './files.ts';
export type { SubmissionRecord } from './submit.ts';

export interface ToolContext {
  readonly files: FileToolContext;
  readonly run: RunToolContext;
  readonly submission: SubmissionRecord;
}

// The runner accepts tools of any input type; each tool validates its own input.

type AnyTool = BetaRunnableTool;

const workspacePath = z.string().min(1).describe('A path relative to the repository root.');

/**
 * How each tool but the submit tools is built. A role gets only some of them, and building one
 * computes its JSON schema, so each is built only for a session that gets it.
 */
const BUILDERS: Partial<Record<ToolName, (context: ToolContext) => AnyTool>> = {
  read_file: ({ files }) =>
    betaZodTool({
      name: 'read_file',
      description:
        'Read a text file of the repository, optionally only lines startLine..endLine (1-based).',
      inputSchema: z.object({
        path: workspacePath,
        startLine: z.int().positive().optional(),
        endLine: z.int().positive().optional(),
      }),
      run: (input) => readFileTool(files, input),
    }),
  list_files: ({ files }) =>
    betaZodTool({
      name: 'list_files',
      description:
        'List the files under a folder of the repository (default: the root), recursively. Skips .git and node_modules.',
      inputSchema: z.object({ path: workspacePath.optional() }),
      run: (input) => listFilesTool(files, input),
    }),
  search: ({ files }) =>
    betaZodTool({
      name: 'search',
      description:
        'Find lines containing a literal text (case-sensitive) under a folder or in a file. Returns path:line: text.',
      inputSchema: z.object({ text: z.string().min(1), path: workspacePath.optional() }),
      run: (input) => searchTool(files, input),
    }),
  write_file: ({ files }) =>
    betaZodTool({
      name: 'write_file',
      description:
        'Create or replace a whole file. Protected paths (the factory, workflows, prompts, specs) are refused.',
      inputSchema: z.object({ path: workspacePath, content: z.string() }),
      run: (input) => writeFileTool(files, input),
    }),
  edit_file: ({ files }) =>
    betaZodTool({
      name: 'edit_file',
      description:
        'Replace exactly one occurrence of oldText with newText in a file. Fails when oldText is missing or occurs more than once.',
      inputSchema: z.object({
        path: workspacePath,
        oldText: z.string().min(1),
        newText: z.string(),
      }),
      run: (input) => editFileTool(files, input),
    }),
  run: ({ run }) => runTool(run),
};

function runTool(context: RunToolContext): AnyTool {
  return betaZodTool({
    name: 'run',
    description: `Run one of these commands exactly, sandboxed without network: ${context.allowlist.join(' | ')}. Returns the exit code and output.`,
    inputSchema: z.object({ command: z.string().min(1) }),
    run: (input) => runCommandTool(context, input),
  });
}

/**
 * Tools take turns, in the order they are called: the reply's order. The SDK's runner starts every
 * tool call of one reply at once; a `run` that swapped a folder for a symlink while a file tool was
 * between checking a path and using it would lead that tool out of the workspace or into `.git`
 * and a `read_file` beside a `run` would read the tree half-changed. Taking turns, each
 * call sees the tree as the calls before it left it.
 */
function takingTurns(): <T>(work: () => Promise<T>) => Promise<T> {
  let previous: Promise<unknown> = Promise.resolve();
  return (work) => {
    const turn = previous.then(work);
    previous = turn.catch(() => undefined);
    return turn;
  };
}

/**
 * A submission is final: a tool call the model placed after it in the same reply does not run, so
 * nothing changes behind a submitted summary.
 */
function closedBySubmission(tool: AnyTool, submission: SubmissionRecord): AnyTool {
  return {
    ...tool,
    run: (input, runContext) => {
      if (submission.accepted) throw new ToolRefusal('refused: the session has already submitted');
      return tool.run(input, runContext);
    },
  };
}

/**
 * The runnable tools for `role`, limited to `granted` (the role file's list) when it names any;
 * the submit tool is always included. They take turns.
 */
export function createRoleTools(
  role: Role,
  context: ToolContext,
  granted: readonly ToolName[],
): AnyTool[] {
  const allowed: readonly ToolName[] = ROLE_TOOLS[role];
  const wanted = granted.length > 0 ? allowed.filter((name) => granted.includes(name)) : allowed;
  const submit = createSubmitTool(role, context.submission);
  const tools = wanted.flatMap((name) => BUILDERS[name]?.(context) ?? []);
  const inTurn = takingTurns();
  return [...tools.map((tool) => closedBySubmission(tool, context.submission)), submit].map(
    (tool) => ({
      ...tool,
      run: (input, runContext) => inTurn(async () => tool.run(input, runContext)),
    }),
  );
}

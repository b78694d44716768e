/**
 * The shapes that cross the boundary between prompt assembly and the session loop. Kept in their
 * own file so the loop can import them without pulling in file reading or ranking.
 */
import type { Role } from '../../core/config.ts';
import type { ConstitutionFile } from './assemble.ts';
import type { ContextLibrary } from './library.ts';
import type { RoleDefinition } from './role-definition.ts';

/** Tools the runtime offers; a role file may name only these (and only its role's subset). */
export const TOOL_NAMES = [
  'read_file',
  'list_files',
  'search',
  'write_file',
  'edit_file',
  'run',
  'submit_plan',
  'submit_verdict',
  'submit_work',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/**
 * The task of one session. `instruction` is written by the stage's code and is trusted; every
 * other field comes from people or tools outside the floor (the spec, PR text, review comments, CI
 * logs) and is therefore untrusted: it is sanitised and fenced as data, never read as instructions
 * (R-09).
 */
export interface SessionTask {
  /** What this session must do, in the stage's own words (trusted). */
  readonly instruction: string;
  /** The spec under work: its path in the workspace and its text (untrusted). */
  readonly spec: { readonly path: string; readonly text: string };
  /** The approved or draft plan (untrusted: an earlier agent wrote it). */
  readonly plan?: string;
  readonly pullRequest?: { readonly title: string; readonly body: string };
  /** Objections from the previous review round, as text. */
  readonly reviewObjections?: string;
  /** Output of the failing CI run the implementer must fix. */
  readonly ciFailure?: string;
  /** The conflict with main the implementer must resolve: files, and the merge that marks them. */
  readonly conflict?: string;
  /** The diff under review (code-review). */
  readonly diff?: string;
  /** Any further untrusted pieces, each with a short trusted label. */
  readonly extras?: readonly { readonly label: string; readonly text: string }[];
}

export interface SystemBlock {
  readonly type: 'text';
  readonly text: string;
  readonly cache_control?: { readonly type: 'ephemeral' };
}

export interface PromptStats {
  /** Estimated tokens of system + user (see `estimateTokens`). */
  readonly tokens: number;
  /** Estimated tokens of the cached stable prefix (role prompt + constitution). */
  readonly stableTokens: number;
  /** The budget the prompt was assembled within. */
  readonly tokenBudget: number;
  /** Paths of the ADRs whose full text is in the prompt, in prompt order. */
  readonly adrsInFull: readonly string[];
  /** ADR index lines shown, and how many ADRs exist. */
  readonly adrIndex: { readonly shown: number; readonly total: number };
  /** Spec index lines shown, and how many specs exist. */
  readonly specIndex: { readonly shown: number; readonly total: number };
}

export interface SessionPrompt {
  /** System blocks; exactly one carries a cache breakpoint: the end of the stable part. */
  readonly system: readonly SystemBlock[];
  /** The first user message: the task, with every untrusted piece fenced. */
  readonly user: string;
  /** The model named in the role file, or undefined to use the configured model for the role. */
  readonly model: string | undefined;
  /** The tools the role file grants, in runtime names. */
  readonly tools: readonly ToolName[];
  readonly stats: PromptStats;
}

/** What the floor gives every session of a role, before its task is known. */
export interface FloorContent {
  readonly definition: RoleDefinition;
  readonly constitution: readonly ConstitutionFile[];
  readonly library: ContextLibrary;
}

export interface BuildSessionPromptInput {
  /** The repository checkout the session works in. */
  readonly workspace: string;
  /**
   * Where the floor is read from: role files, constitution, ADRs and past specs (default:
   * `workspace`). Stages should pass a checkout of the default branch, so a pull request cannot
   * rewrite the prompts and rules that judge it.
   */
  readonly floor?: string;
  /** A library read earlier by `readContextLibrary(floor)`, to skip re-reading and re-tokenising. */
  readonly library?: ContextLibrary;
  /**
   * The floor already read, or being read, by `readFloor` (an agent job starts reading it before
   * it reads the PR, so the two overlap); `floor` and `library` are then not read again.
   */
  readonly floorContent?: Promise<FloorContent>;
  readonly role: Role;
  readonly task: SessionTask;
  /** Ceiling for the whole first prompt, in estimated tokens (default `DEFAULT_TOKEN_BUDGET`). */
  readonly tokenBudget?: number;
}

export const DEFAULT_TOKEN_BUDGET = 24_000;

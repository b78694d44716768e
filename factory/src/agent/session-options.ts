/** The options of `runAgent`. */
import type { FactoryConfig, Role, StageBudget } from '../core/config.ts';
import type { SharedCeilings } from './budget.ts';
import type {
  BuildSessionPromptInput,
  FloorContent,
  SessionPrompt,
  SessionTask,
} from './context/index.ts';
import type { SandboxStatus } from './sandbox.ts';

/** Builds the first prompt; the context module's `buildSessionPrompt` unless a test swaps it. */
export type PromptBuilder = (input: BuildSessionPromptInput) => Promise<SessionPrompt>;

export interface RunAgentOptions {
  readonly role: Role;
  /** The checkout the agent reads and (implementer) writes; nothing outside it is reachable. */
  readonly workspace: string;
  readonly task: SessionTask;
  readonly config: FactoryConfig;
  /** Defaults to the role's budget from `config`. */
  readonly budget?: StageBudget;
  /** What this PR and today have already spent, so the session stays under those ceilings too. */
  readonly shared?: SharedCeilings;
  readonly apiKey: string;
  /** The twin's model server in tests and rehearsals; the real API when absent. */
  readonly baseURL?: string;
  /** SDK retries for 429/529/5xx and connection errors (default 6), with its backoff. */
  readonly maxRetries?: number;
  /** Where the JSONL transcript goes; keep it outside the workspace. */
  readonly transcriptPath: string;
  /** Further secret values to redact from the transcript (the GitHub token, …). */
  readonly secrets?: readonly string[];
  /** Where role files and the constitution are read from (default: the workspace). */
  readonly floor?: string;
  /** The floor already being read (`readFloor`), so its reading overlaps the caller's own. */
  readonly floorContent?: Promise<FloorContent>;
  readonly buildPrompt?: PromptBuilder;
  /** Rejected submissions tolerated before the session stops with `invalid-output` (default 3). */
  readonly maxRejectedSubmissions?: number;
  /** Overrides the sandbox probe (tests use it to play a host without bwrap). */
  readonly sandbox?: SandboxStatus;
  /** Where loud warnings go (an unusable sandbox); stderr by default. */
  readonly onWarning?: (message: string) => void;
}

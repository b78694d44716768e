/**
 * Test harness for agent sessions: a temporary workspace holding the repository's real role files
 * and constitution, the twin's model server, and a `runAgent` call wired to both.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FactoryConfigSchema, type FactoryConfigInput, type Role } from '../../src/core/config.ts';
import { runAgent, type AgentOutcome, type RunAgentOptions } from '../../src/agent/index.ts';
import {
  createModelServer,
  type ModelScript,
  type ModelServer,
} from '../../src/twin/model/index.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const API_KEY = 'sk-ant-api03-CANARY-model-key-0123456789abcdef';

export interface Harness {
  readonly workspace: string;
  readonly scratch: string;
  readonly server: ModelServer;
  run(role: Role, overrides?: Partial<RunAgentOptions>): Promise<AgentOutcome>;
  cleanup(): Promise<void>;
}

/** Files a test workspace starts with, besides the role files and constitution. */
export type Files = Readonly<Record<string, string>>;

export async function writeFiles(root: string, files: Files): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content);
  }
}

export const SPEC = {
  path: 'specs/0001-greeting.md',
  text: '# Greeting\n\nAdd a `greet(name)` function.\n\n## Acceptance criteria\n- greet("Ada") returns "Hello, Ada!"\n',
};

/** Starts a model server playing `script` and a workspace seeded with `files`. */
export async function createHarness(
  script: ModelScript,
  files: Files = {},
  config: FactoryConfigInput = {},
): Promise<Harness> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'agent-test-'));
  const workspace = path.join(scratch, 'workspace');
  await mkdir(workspace);
  await cp(path.join(REPO_ROOT, '.claude', 'agents'), path.join(workspace, '.claude', 'agents'), {
    recursive: true,
  });
  await cp(path.join(REPO_ROOT, 'CLAUDE.md'), path.join(workspace, 'CLAUDE.md'));
  await writeFiles(workspace, { [SPEC.path]: SPEC.text, ...files });
  const server = await createModelServer({ script });
  const parsed = FactoryConfigSchema.parse(config);
  let sessions = 0;
  return {
    workspace,
    scratch,
    server,
    run: (role, overrides = {}) =>
      runAgent({
        role,
        workspace,
        task: { instruction: `Do the ${role} stage for the spec.`, spec: SPEC },
        config: parsed,
        apiKey: API_KEY,
        baseURL: server.url,
        maxRetries: 3,
        transcriptPath: path.join(scratch, 'transcripts', `${role}-${String(++sessions)}.jsonl`),
        onWarning: () => undefined,
        ...overrides,
      }),
    cleanup: async () => {
      await server.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** A scripted assistant turn that calls one tool. */
export function call(name: string, input: Record<string, unknown>) {
  return { reply: { toolCalls: [{ name, input }] } };
}

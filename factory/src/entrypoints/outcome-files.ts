/**
 * The files that travel from an agent job to its apply job as one artifact: the typed outcome,
 * the implementer's patch, and the redacted transcript (for people; the apply job reads it only
 * to count what a session spent before its job died).
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseAgentArtifact, type AgentArtifact } from '../stages/agent-artifact.ts';
import { answeredLine, countsSpend } from '../stages/spent-before-crash.ts';

export const OUTCOME_FILE = 'outcome.json';
export const PATCH_FILE = 'patch.diff';
export const TRANSCRIPT_FILE = 'transcript.jsonl';

export interface ReceivedOutcome {
  readonly found: boolean;
  readonly artifact: AgentArtifact | undefined;
  readonly patch: Uint8Array | undefined;
  /** Without a usable outcome: the transcript's lines that count its spend (`countsSpend`). */
  readonly usageLines: readonly string[];
}

/** Reads what the agent job left; nothing in it is trusted until parsed. */
export async function readOutcomeFiles(dir: string): Promise<ReceivedOutcome> {
  const outcomePath = join(dir, OUTCOME_FILE);
  const found = existsSync(outcomePath);
  const artifact = found ? parseAgentArtifact(await readFile(outcomePath, 'utf8')) : undefined;
  const patchPath = join(dir, PATCH_FILE);
  const patch = found && existsSync(patchPath) ? await readFile(patchPath) : undefined;
  const usageLines = artifact === undefined ? await readUsageLines(join(dir, TRANSCRIPT_FILE)) : [];
  return { found, artifact, patch, usageLines };
}

/** The transcript's lines that count spend, read a line at a time: the rest can be large. */
async function readUsageLines(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  const lines: string[] = [];
  const input = createReadStream(path, { encoding: 'utf8' });
  for await (const line of createInterface({ input, crlfDelay: Infinity }))
    if (countsSpend(line)) lines.push(answeredLine(line));
  return lines;
}

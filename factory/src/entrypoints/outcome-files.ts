/**
 * The files that travel from an agent job to its apply job as one artifact: the typed outcome,
 * the implementer's patch, and the redacted transcript (for people; the apply job reads it only
 * to count what a session spent before its job died).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAgentArtifact, type AgentArtifact } from '../stages/agent-artifact.ts';

export const OUTCOME_FILE = 'outcome.json';
export const PATCH_FILE = 'patch.diff';
export const TRANSCRIPT_FILE = 'transcript.jsonl';

export interface ReceivedOutcome {
  readonly found: boolean;
  readonly artifact: AgentArtifact | undefined;
  readonly patch: Uint8Array | undefined;
  /** The transcript of a session whose job died before writing its outcome (`''` if none). */
  readonly crashedTranscript: string;
}

/** Reads what the agent job left; nothing in it is trusted until parsed. */
export async function readOutcomeFiles(dir: string): Promise<ReceivedOutcome> {
  const outcomePath = join(dir, OUTCOME_FILE);
  if (!existsSync(outcomePath)) {
    const transcript = await readFile(join(dir, TRANSCRIPT_FILE), 'utf8').catch(() => '');
    return { found: false, artifact: undefined, patch: undefined, crashedTranscript: transcript };
  }
  const artifact = parseAgentArtifact(await readFile(outcomePath, 'utf8'));
  const patchPath = join(dir, PATCH_FILE);
  const patch = existsSync(patchPath) ? await readFile(patchPath) : undefined;
  return { found: true, artifact, patch, crashedTranscript: '' };
}

/**
 * The factory's own comments, as text with a machine-readable marker. Markers are HTML comments,
 * invisible on GitHub; they are only trusted on comments written by the factory's identity, and
 * untrusted text has its HTML comments stripped before any agent sees it.
 */
import type { RerunReason } from './line.ts';
import { isState, isWorkingState, type WorkingState } from './states.ts';

/** Marks the one status comment per PR, so it can be found and updated in place. */
export const STATUS_MARKER = '<!-- factory:status -->';

const RERUN_REASONS: readonly RerunReason[] = [
  'invalid-output',
  'no-submission',
  'stage-crashed',
  'main-moved',
  'conflict',
];

/** Anchored: only a note that starts with the marker counts, never a quote of one further down. */
const RERUN_MARKER =
  /^<!-- factory:rerun stage=([a-z-]+) reason=([a-z-]+)(?: write=([0-9a-f]{6,32}))? -->/;

const RERUN_EXPLANATIONS: Record<RerunReason, string> = {
  'invalid-output': 'the agent submitted a result that failed validation',
  'no-submission': 'the agent ended without submitting a result',
  'stage-crashed': 'the stage stopped without finishing',
  'main-moved': 'main moved while merging, so the branch is rebased and tested again',
  conflict: 'the branch conflicts with main; the implementer resolves it once',
};

/**
 * The comment that records a re-run of a stage without a label move (ADR 0002). `write` names this
 * one write: a request retried after GitHub already applied it posts the note again with the same
 * name, and the attempt is counted once.
 */
export function renderRerunNote(stage: WorkingState, reason: RerunReason, write?: string): string {
  const named = write === undefined ? '' : ` write=${write}`;
  return [
    `<!-- factory:rerun stage=${stage} reason=${reason}${named} -->`,
    `🔁 Running **${stage}** again: ${RERUN_EXPLANATIONS[reason]}.`,
  ].join('\n');
}

/** The stage and reason of a re-run note, or `undefined` when the body carries no valid marker. */
export function parseRerunNote(
  body: string,
): { stage: WorkingState; reason: RerunReason; write?: string } | undefined {
  const match = RERUN_MARKER.exec(body);
  const stage = match?.[1] ?? '';
  const reason = RERUN_REASONS.find((known) => known === match?.[2]);
  if (!isState(stage) || !isWorkingState(stage) || reason === undefined) return undefined;
  const write = match?.[3];
  return { stage, reason, ...(write === undefined ? {} : { write }) };
}

export function isStatusComment(body: string): boolean {
  return body.startsWith(STATUS_MARKER);
}

/**
 * Makes text an agent wrote safe to publish under the factory's identity: `<` is escaped, so it
 * can never open an HTML comment that would read as one of the factory's markers.
 */
export function escapeAgentText(text: string): string {
  return text.replaceAll('<', '&lt;');
}

/**
 * The first user message: the stage's trusted instruction, then every untrusted piece of the task
 * in its own fence, each introduced by a trusted heading that says what it is.
 */
import type { SessionTask } from './types.ts';
import { fenceUntrusted } from './untrusted.ts';

interface Piece {
  readonly heading: string;
  readonly label: string;
  readonly text: string;
}

function taskPieces(task: SessionTask): Piece[] {
  const pieces: Piece[] = [
    { heading: 'The spec', label: `spec ${task.spec.path}`, text: task.spec.text },
  ];
  const optional: [string, string, string | undefined][] = [
    ['The plan', 'plan', task.plan],
    ['Pull request title', 'pull request title', task.pullRequest?.title],
    ['Pull request description', 'pull request body', task.pullRequest?.body],
    ['Objections from the last review', 'review objections', task.reviewObjections],
    ['Output of the failing CI run', 'ci failure', task.ciFailure],
    ['The conflict with main to resolve', 'conflict', task.conflict],
    ['The diff under review', 'diff', task.diff],
  ];
  for (const [heading, label, text] of optional) {
    if (text !== undefined) pieces.push({ heading, label, text });
  }
  for (const extra of task.extras ?? []) {
    pieces.push({ heading: extra.label, label: extra.label, text: extra.text });
  }
  return pieces;
}

/** Renders the task as the first user message. */
export function renderTask(task: SessionTask): string {
  const sections = taskPieces(task).map(
    (piece) => `## ${piece.heading}\n\n${fenceUntrusted(piece.label, piece.text)}`,
  );
  return [`# Your task\n\n${task.instruction.trim()}`, ...sections].join('\n\n');
}

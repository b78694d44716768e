/**
 * A person holds a PR back by dismissing an approval the line gave (a withdrawal). Reviewing it
 * again could approve and merge what they objected to, so the merge refuses the PR until a person
 * with write permission sets a state label on it after the withdrawal, as a resume does.
 */
import { isStateLabelEntry, type IsFactoryActor, type TimelineEntry } from './attempts.ts';
import { UNKNOWN_COMMIT } from './ports.ts';
import { labelOf } from './states.ts';

export type Withdrawal = Extract<TimelineEntry, { kind: 'approval-withdrawn' }>;

/** The latest withdrawal, and who has set a state label since: a writer among them lifts it. */
export interface Hold {
  readonly withdrawal: Withdrawal;
  readonly labelledSince: readonly string[];
}

/**
 * The PR's hold, if a person withdrew one of the line's approvals. Only a state label added counts
 * as a move on from it, and not `state:needs-attention`: taking a label off, or parking the PR by
 * hand, is no resume.
 */
export function holdOn(
  timeline: readonly TimelineEntry[],
  isFactory: IsFactoryActor,
): Hold | undefined {
  const index = timeline.findLastIndex(
    (entry) => entry.kind === 'approval-withdrawn' && !isFactory(entry.actor),
  );
  const withdrawal = timeline[index];
  if (withdrawal?.kind !== 'approval-withdrawn') return undefined;
  const labelledSince = timeline
    .slice(index + 1)
    .filter(isStateLabelEntry)
    .filter(
      (entry) =>
        entry.kind === 'labeled' &&
        entry.label !== labelOf('needs-attention') &&
        !isFactory(entry.actor),
    )
    .map((entry) => entry.actor);
  return { withdrawal, labelledSince: [...new Set(labelledSince)] };
}

/** How much of a withdrawal's message the park quotes. */
const MESSAGE_CHARS = 200;

/** Who withdrew the approval and why, in a sentence; the message on one short line. */
export function describeHold({ withdrawal }: Hold): string {
  const message = withdrawal.message.replace(/\s+/g, ' ').trim();
  const clipped =
    message.length <= MESSAGE_CHARS ? message : `${message.slice(0, MESSAGE_CHARS - 1)}…`;
  const why = clipped === '' ? '' : `, saying “${clipped}”`;
  const of =
    withdrawal.sha === UNKNOWN_COMMIT
      ? 'a commit GitHub no longer knows'
      : withdrawal.sha.slice(0, 7);
  return `${withdrawal.actor} dismissed the line's approval of ${of}${why}; the line holds the PR until a person with write permission sets its state label again.`;
}

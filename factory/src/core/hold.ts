/**
 * A person holds a PR back by dismissing an approval the line gave. Reviewing it again could
 * approve and merge what they objected to, so the merge refuses the PR until a person sets its
 * state label again (a resume), which lifts the hold.
 */
import { lastHumanMove, type IsFactoryActor, type TimelineEntry } from './attempts.ts';

export type Hold = Extract<TimelineEntry, { kind: 'approval-dismissed' }>;

/** The dismissal that holds the PR back: a person's, since the last move by a person. */
export function holdOn(timeline: readonly TimelineEntry[], isFactory: IsFactoryActor) {
  return timeline
    .slice(lastHumanMove(timeline, isFactory) + 1)
    .findLast(
      (entry): entry is Hold => entry.kind === 'approval-dismissed' && !isFactory(entry.actor),
    );
}

/** How much of a dismissal's message the park quotes. */
const MESSAGE_CHARS = 200;

/** Who dismissed the approval and why, in a sentence; the message on one short line. */
export function describeHold(hold: Hold): string {
  const message = hold.message.replace(/\s+/g, ' ').trim();
  const clipped =
    message.length <= MESSAGE_CHARS ? message : `${message.slice(0, MESSAGE_CHARS - 1)}…`;
  const why = clipped === '' ? '' : `, saying “${clipped}”`;
  return `${hold.actor} dismissed the line's approval of ${hold.sha.slice(0, 7)}${why}; the line holds the PR until a person sets its state label again.`;
}

/**
 * The merge asks whether a person holds the PR back (`core/hold.ts`) wherever it could send the
 * PR on: before it touches the branch, as it judges the PR (a hold may come while CI runs), in
 * its last read before the merge call, and before it hands a conflict back to the implementer.
 */
import type { TimelineEntry } from '../core/attempts.ts';
import { isWriter } from '../core/guardrails.ts';
import { holdOn, type Hold } from '../core/hold.ts';
import type { GitHubPort } from '../core/ports.ts';

/**
 * The hold a person's withdrawal of the line's approval puts on the PR, unless someone with write
 * permission has set a state label since. One permission read per person who did, of their
 * permission now: one who has lost write permission since lifts nothing, the cautious reading.
 */
export async function standingHold(
  github: GitHubPort,
  timeline: readonly TimelineEntry[],
): Promise<Hold | undefined> {
  const hold = holdOn(timeline, (login) => github.isFactoryActor(login));
  if (hold === undefined) return undefined;
  const permissions = await Promise.all(
    hold.labelledSince.map((login) => github.permissionOf(login)),
  );
  return permissions.some(isWriter) ? undefined : hold;
}

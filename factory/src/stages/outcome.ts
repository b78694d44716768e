/** What a stage run did, for its exit code, its job summary and the tests. */
import type { Next, Transition } from '../core/line.ts';
import type { ParkReason } from '../core/reasons.ts';

export type StageOutcome =
  | { readonly kind: 'moved'; readonly pr: number; readonly to: Next }
  | {
      readonly kind: 'parked';
      readonly pr: number;
      readonly reason: ParkReason;
      readonly detail: string;
    }
  /** Nothing to do: not this stage's event, the line is full, the queue is empty. */
  | { readonly kind: 'idle'; readonly reason: string }
  /** The PR moved on while the stage ran; it wrote nothing. */
  | { readonly kind: 'stood-down'; readonly pr: number; readonly reason: string };

/** The outcome a carried-out transition amounts to: parked when it parks, else moved. */
export function outcomeOf(pr: number, transition: Transition): StageOutcome {
  const park = transition.effects.find((effect) => effect.type === 'park');
  return park === undefined
    ? { kind: 'moved', pr, to: transition.next }
    : { kind: 'parked', pr, reason: park.reason, detail: park.detail };
}

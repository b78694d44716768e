/** The clock a stage reads the UTC day from: the system's in a job, an injected one in tests. */
import { dayOf, type Day } from '../core/status.ts';

export interface Clock {
  /** The system clock when left out. */
  readonly now?: () => Date;
}

/** The UTC day it is now, by `clock`: the day spend is recorded on and the per-day ceiling counts. */
export function today(clock: Clock): Day {
  return dayOf(clock.now?.() ?? new Date());
}

/** A first-come, first-served limit on how many jobs execute at once, so runs stay deterministic. */

export interface Slots {
  /** Resolves with a release function once a slot is free. */
  readonly acquire: () => Promise<() => void>;
}

/** Creates `limit` slots (at least one). */
export function createSlots(limit: number): Slots {
  let free = Math.max(1, Math.floor(limit));
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) free += 1;
    else next();
  };
  const acquire = (): Promise<() => void> =>
    new Promise((resolve) => {
      const grant = (): void => {
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          release();
        });
      };
      if (free > 0) {
        free -= 1;
        grant();
      } else waiting.push(grant);
    });
  return { acquire };
}

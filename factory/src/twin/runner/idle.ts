/** Counts work in flight (events being handled, runs queued or running) so tests can wait for none. */

export interface IdleTracker {
  readonly begin: () => void;
  readonly end: () => void;
  /** Resolves once nothing is in flight (at once if nothing is). */
  readonly wait: () => Promise<void>;
}

export function createIdleTracker(): IdleTracker {
  let busy = 0;
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    if (busy > 0) return;
    const ready = waiters;
    waiters = [];
    ready.forEach((resolve) => {
      resolve();
    });
  };
  return {
    begin: () => {
      busy += 1;
    },
    end: () => {
      busy -= 1;
      settle();
    },
    wait: () =>
      new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      }),
  };
}

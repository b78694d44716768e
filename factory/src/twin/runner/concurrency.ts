/**
 * Concurrency groups as GitHub keeps them (github-mechanics §8): per group (case-insensitive, shared
 * by every workflow of the repository) one running entry and, by default, one pending entry; a newer
 * pending entry cancels the older; `cancel-in-progress` cancels the running one; `queue: max` keeps up
 * to 100 pending in arrival order and cancels arrivals beyond that.
 */

export interface ConcurrencyEntry {
  /** Called when the entry may run. */
  readonly start: () => void;
  /** Called when GitHub's rules cancel the entry (running or pending). */
  readonly cancel: () => void;
}

export interface ConcurrencyRequest {
  readonly group: string;
  readonly cancelInProgress: boolean;
  readonly queue: 'single' | 'max';
}

export interface ConcurrencyGroups {
  /** Enters a group: the entry starts now, waits, or is cancelled at once. */
  readonly enter: (request: ConcurrencyRequest, entry: ConcurrencyEntry) => void;
  /** Leaves the group (finished or cancelled); the oldest pending entry starts. */
  readonly leave: (group: string, entry: ConcurrencyEntry) => void;
}

const MAX_QUEUE = 100;

interface Group {
  running: ConcurrencyEntry | undefined;
  readonly pending: ConcurrencyEntry[];
}

/** Creates an empty set of groups. */
export function createConcurrencyGroups(): ConcurrencyGroups {
  const groups = new Map<string, Group>();
  const groupOf = (name: string): Group => {
    const key = name.toLowerCase();
    const existing = groups.get(key);
    if (existing !== undefined) return existing;
    const created: Group = { running: undefined, pending: [] };
    groups.set(key, created);
    return created;
  };

  const enter = (request: ConcurrencyRequest, entry: ConcurrencyEntry): void => {
    const group = groupOf(request.group);
    if (group.running === undefined) {
      group.running = entry;
      entry.start();
      return;
    }
    if (request.queue === 'max' && group.pending.length >= MAX_QUEUE) {
      entry.cancel();
      return;
    }
    group.pending.push(entry);
    if (request.queue === 'single')
      group.pending.splice(0, group.pending.length - 1).forEach((older) => {
        older.cancel();
      });
    if (request.cancelInProgress) group.running.cancel();
  };

  const leave = (name: string, entry: ConcurrencyEntry): void => {
    const group = groupOf(name);
    const waiting = group.pending.indexOf(entry);
    if (waiting !== -1) group.pending.splice(waiting, 1);
    if (group.running !== entry) return;
    group.running = group.pending.shift();
    if (group.running === undefined) groups.delete(name.toLowerCase());
    else group.running.start();
  };

  return { enter, leave };
}

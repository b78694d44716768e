/**
 * Event delivery. Listeners run synchronously, in order, right after the write that caused the
 * event, so a caller that awaited the API call sees the event already delivered. A throwing
 * listener is recorded, never allowed to fail the request that caused the event.
 */
import type { ForgeEvent } from '../contract.ts';

export interface EventBus {
  on(listener: (event: ForgeEvent) => void): () => void;
  emit(event: ForgeEvent): void;
  /** Every event delivered so far, oldest first. */
  readonly history: readonly ForgeEvent[];
  /** Errors thrown by listeners, oldest first. */
  readonly listenerErrors: readonly unknown[];
}

export function createEventBus(): EventBus {
  const listeners = new Set<(event: ForgeEvent) => void>();
  const history: ForgeEvent[] = [];
  const listenerErrors: unknown[] = [];
  return {
    history,
    listenerErrors,
    on(listener) {
      // Wrap so that subscribing the same function twice gives two independent subscriptions.
      const entry = (event: ForgeEvent) => {
        listener(event);
      };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    emit(event) {
      history.push(event);
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          listenerErrors.push(error);
        }
      }
    },
  };
}

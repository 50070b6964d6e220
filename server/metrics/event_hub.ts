/**
 * In-process publish/subscribe for the node's live events (the dashboard's `/events` stream).
 *
 * @module
 */

/** A live event: a type and its JSON-serialisable data. */
export interface NodeEvent {
  /** Event name, e.g. `invocation`. */
  type: string;
  /** Payload. */
  data: unknown;
}

/** Fans events out to subscribers; a failing subscriber never affects the others. */
export class EventHub {
  readonly #listeners = new Set<(event: NodeEvent) => void>();
  readonly #closers = new Set<() => void>();
  #closed = false;

  /**
   * Subscribes; `onClose` runs when the hub closes (the node is stopping: streams end).
   * Returns the function that unsubscribes.
   */
  subscribe(listener: (event: NodeEvent) => void, onClose?: () => void): () => void {
    if (this.#closed) {
      onClose?.();
      return () => {};
    }
    this.#listeners.add(listener);
    if (onClose) this.#closers.add(onClose);
    return () => {
      this.#listeners.delete(listener);
      if (onClose) this.#closers.delete(onClose);
    };
  }

  /** Ends every subscription (at shutdown, so that open streams do not hold the server). */
  close(): void {
    this.#closed = true;
    for (const onClose of this.#closers) onClose();
    this.#closers.clear();
    this.#listeners.clear();
  }

  /** Delivers an event to every subscriber. */
  emit(type: string, data: unknown): void {
    for (const listener of this.#listeners) {
      try {
        listener({ type, data });
      } catch (error) {
        console.error(`Event listener failed on "${type}":`, error);
      }
    }
  }

  /** Number of subscribers. */
  get size(): number {
    return this.#listeners.size;
  }
}

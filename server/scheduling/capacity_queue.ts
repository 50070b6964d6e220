/**
 * The wait queue of `scheduler.queue.capacity`: requests that no place can take right away wait
 * here, up to the capacity, until the pool frees a container or memory, instead of being
 * refused at once.
 *
 * @module
 */
import { OverloadedError } from "../errors.ts";

/** A bounded set of requests waiting for local capacity. */
export class CapacityQueue {
  readonly #capacity: number;
  readonly #waiters = new Set<() => void>();

  /** @param capacity how many requests may wait at once; 0 disables waiting */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Whether requests may wait at all. */
  get enabled(): boolean {
    return this.#capacity > 0;
  }

  /** Requests waiting now. */
  get length(): number {
    return this.#waiters.size;
  }

  /**
   * Resolves `true` at the next {@linkcode CapacityQueue.notify}, `false` when `signal` aborts
   * first. Throws `OverloadedError` when the queue is full.
   */
  wait(signal: AbortSignal): Promise<boolean> {
    if (this.#waiters.size >= this.#capacity) {
      return Promise.reject(
        new OverloadedError(`The wait queue is full (${this.#capacity} requests wait already)`),
      );
    }
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (freed: boolean) => {
        this.#waiters.delete(wake);
        signal.removeEventListener("abort", abort);
        resolve(freed);
      };
      const wake = () => done(true);
      const abort = () => done(false);
      this.#waiters.add(wake);
      signal.addEventListener("abort", abort, { once: true });
    });
  }

  /** Wakes every waiter: capacity was freed, and each tries again (the rest wait anew). */
  notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

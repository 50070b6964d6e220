/**
 * Delivering registry events to watchers, so that a failing watcher harms no one else.
 *
 * @module
 */

/**
 * Calls `listener` with `event`; what it throws is logged as `<what> watcher failed:`, not
 * propagated.
 *
 * @example
 * ```ts
 * import { notify } from "./listeners.ts";
 *
 * notify((event: string) => console.log(event), "put", "Function");
 * notify(() => {
 *   throw new Error("bug");
 * }, "put", "Function"); // logs "Function watcher failed:" and the error
 * ```
 */
export function notify<E>(listener: (event: E) => void, event: E, what: string): void {
  try {
    listener(event);
  } catch (error) {
    console.error(`${what} watcher failed:`, error);
  }
}

/**
 * The watchers of one kind of event, called synchronously, in the order they were added.
 *
 * @example
 * ```ts
 * import { Listeners } from "./listeners.ts";
 *
 * const listeners = new Listeners<string>("Node");
 * const stop = listeners.add((event) => console.log(event));
 * listeners.emit("put"); // logs "put"
 * stop();
 * listeners.emit("delete"); // logs nothing
 * ```
 */
export class Listeners<E> {
  #what: string;
  #listeners = new Set<(event: E) => void>();

  /** @param what names the watchers in logs, e.g. `Function` */
  constructor(what: string) {
    this.#what = what;
  }

  /** Adds `listener` (again if it was added already); returns the function that removes it. */
  add(listener: (event: E) => void): () => void {
    const entry = (event: E) => listener(event);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Calls every listener with `event`, logging (not propagating) what they throw. */
  emit(event: E): void {
    for (const listener of [...this.#listeners]) notify(listener, event, this.#what);
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}

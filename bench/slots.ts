/**
 * Free call slots handed out first come, first served: the floors of the benchmark give each
 * warm executor at most as many calls at once as the pool would.
 *
 * @module
 */

/**
 * A queue of free slots, each naming what it belongs to.
 *
 * @example
 * ```ts
 * import { Slots } from "./slots.ts";
 *
 * const slots = new Slots(["a", "b"]);
 * const slot = await slots.take();
 * slots.give(slot);
 * ```
 */
export class Slots<T> {
  readonly #free: T[];
  readonly #waiting: ((slot: T) => void)[] = [];

  /** @param free one entry per call that may run at once */
  constructor(free: T[]) {
    this.#free = [...free];
  }

  /** Resolves a free slot, once one is free. */
  take(): Promise<T> {
    const slot = this.#free.pop();
    return slot !== undefined
      ? Promise.resolve(slot)
      : new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Frees `slot`: the longest waiting caller gets it, else it is kept. */
  give(slot: T): void {
    const next = this.#waiting.shift();
    if (next) next(slot);
    else this.#free.push(slot);
  }
}

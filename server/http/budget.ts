/**
 * The budget of request body bytes the node holds at once, over every connection: bytes are
 * taken as they arrive from the network and given back when their request has been answered.
 *
 * @example
 * ```ts
 * import { BodyBudget } from "./budget.ts";
 *
 * const budget = new BodyBudget(1024);
 * console.log(budget.take(1000), budget.take(100)); // true false
 * budget.release(1000);
 * console.log(budget.held); // 0
 * ```
 *
 * @module
 */

/** Request body bytes held, against a limit. */
export class BodyBudget {
  /** Most bytes that may be held at once. */
  readonly limit: number;
  #held = 0;

  /** @param limit most bytes that may be held at once */
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes held now. */
  get held(): number {
    return this.#held;
  }

  /** Takes `bytes`; takes nothing and answers false when that would pass the limit. */
  take(bytes: number): boolean {
    if (this.#held + bytes > this.limit) return false;
    this.#held += bytes;
    return true;
  }

  /** Gives back `bytes` taken earlier. */
  release(bytes: number): void {
    this.#held -= bytes;
  }
}

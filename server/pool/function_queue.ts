/**
 * The queue of one version of a function: the requests waiting for a slot, first come first
 * served, and the containers being started for them.
 *
 * @module
 */
import type { Lease, PoolFunction } from "./pool_function.ts";

/** A request waiting for a slot. */
export interface Waiter {
  /** The function (and version) it runs. */
  readonly fn: PoolFunction;
  /** When it arrived at the pool (ms). */
  readonly arrivedAt: number;
  /** When its wait runs out (ms). */
  readonly deadline: number;
  /** Whether it may be granted a lease behind a call under way (see `calls_behind.ts`). */
  readonly pipelining: boolean;
  /** Hands it a slot. */
  readonly grant: (lease: Lease) => void;
  /** Refuses it. */
  readonly refuse: (error: Error) => void;
}

/** Waiting requests of one function version, oldest first. */
export class FunctionQueue {
  /** The queue's key in the pool (function name and version). */
  readonly key: string;
  /** Containers being started for it. */
  starting = 0;
  /** Whether its last scale-up found no memory (retried when memory frees up). */
  starved = false;
  readonly #waiters: Waiter[] = [];

  /** @param key the function name and version */
  constructor(key: string) {
    this.key = key;
  }

  /** Requests waiting. */
  get length(): number {
    return this.#waiters.length;
  }

  /** The oldest waiting request. */
  get head(): Waiter | undefined {
    return this.#waiters[0];
  }

  /** The newest waiting request. */
  get tail(): Waiter | undefined {
    return this.#waiters[this.#waiters.length - 1];
  }

  /** Whether nobody waits and nothing starts: the pool may forget the queue. */
  get idle(): boolean {
    return this.#waiters.length === 0 && this.starting === 0;
  }

  /** Adds a request at the end. */
  push(waiter: Waiter): void {
    this.#waiters.push(waiter);
  }

  /** Takes the oldest request out. */
  shift(): Waiter | undefined {
    return this.#waiters.shift();
  }

  /** Takes the newest request out (it was just added and turned away). */
  pop(): Waiter | undefined {
    return this.#waiters.pop();
  }

  /**
   * Takes out the requests whose wait ran out at `now` (ms), but for the first `spared` (those
   * the containers being started will serve).
   */
  expire(now: number, spared = 0): Waiter[] {
    const expired = this.#waiters.filter((w, i) => i >= spared && w.deadline <= now);
    for (const waiter of expired) this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
    return expired;
  }

  /**
   * Takes out the requests for which `late(waiter, position)` says they would not get a slot in
   * time (position 1 = first), looking from the back so that the positions ahead stay the same.
   */
  turnAway(late: (waiter: Waiter, position: number) => boolean): Waiter[] {
    const away: Waiter[] = [];
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      if (late(this.#waiters[i], i + 1)) away.push(...this.#waiters.splice(i, 1));
    }
    return away;
  }

  /** Refuses every waiting request with `error`. */
  refuseAll(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.refuse(error);
  }
}

/**
 * Leases granted behind the call under way on a container: HTTP/1.1 pipelining (see
 * `Executor.invoke`). A container of a function with `MaxConcurrency` 1 serves one call at a
 * time, and between two calls it waits for the node to read the answer, release the lease and
 * write the next call: for a function that runs in a fraction of a millisecond, that wait is as
 * long as the call. So when such a container is busy, its executor takes pipelined calls (its
 * image declares `serverledge.executor.pipelining` `sequential`) and the function's calls hold
 * their slot {@linkcode PIPELINE_MAX_HOLD_S} at most on average, the first waiting request is
 * granted a lease behind the call under way: its call is written at once and the executor
 * starts it as soon as it answered the one ahead. At most one lease waits behind each call.
 *
 * Its turn comes when the lease ahead is released ({@linkcode CallsBehind.released}); its
 * time limits count from then. When the call ahead gets no answer, the one behind fails as
 * `displaced` and its request is dispatched again (see `invoker.ts`).
 *
 * @module
 */
import type { Lease, PooledContainer, PoolFunction } from "./pool_function.ts";

/**
 * Most seconds a function's calls may hold their slot on average for a request to be granted a
 * lease behind a call under way: the time saved per call (the node's turnaround, a few tenths
 * of a millisecond) is then worth a few percent at least, and a request never waits long behind
 * a call when another container might free first.
 */
export const PIPELINE_MAX_HOLD_S = 0.005;

/** A lease waiting behind the call under way on its container. */
interface Waiting {
  lease: Lease;
  turn: () => void;
}

/** The leases waiting behind a call, one per container at most. */
export class CallsBehind {
  readonly #waiting = new Map<PooledContainer, Waiting>();

  /**
   * A container among `containers` (of `fn`'s version) that a lease may wait behind: busy with
   * one call, with none behind it, its executor taking pipelined calls, for a function of
   * `MaxConcurrency` 1 whose calls hold their slot `holdS()` seconds (0: not known yet; asked
   * only once such a container is found).
   */
  find(
    containers: Iterable<PooledContainer>,
    fn: PoolFunction,
    holdS: () => number,
  ): PooledContainer | undefined {
    if (fn.maxConcurrency !== 1) return undefined;
    for (const container of containers) {
      if (container.active !== 1 || !container.executor.pipelining) continue;
      if (this.#waiting.has(container)) continue;
      const hold = holdS();
      return hold > 0 && hold <= PIPELINE_MAX_HOLD_S ? container : undefined;
    }
    return undefined;
  }

  /**
   * Makes `lease` (just granted on `container`) wait behind the call under way there; resolves
   * once that call's lease is released, after `onTurn` ran.
   */
  add(container: PooledContainer, lease: Lease, onTurn: () => void): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiting.set(container, {
        lease,
        turn: () => {
          onTurn();
          resolve();
        },
      });
    });
  }

  /**
   * Tells that `lease` is released: the lease waiting behind it gets its turn; a lease released
   * while it waited (its call failed before its turn) waits no more.
   */
  released(lease: Lease): void {
    const waiting = this.#waiting.get(lease.container);
    if (!waiting) return;
    this.#waiting.delete(lease.container);
    if (waiting.lease !== lease) waiting.turn();
  }
}

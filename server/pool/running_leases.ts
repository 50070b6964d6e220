/**
 * The leases granted and not yet released, per function: how long the oldest has been running
 * (a lower bound on a function's service time before one was measured) and which functions are
 * busy.
 *
 * @module
 */
import type { Lease } from "./pool_function.ts";

/** Leases in use, per function name. */
export class RunningLeases {
  readonly #byFunction = new Map<string, Set<Lease>>();

  /** Records a granted lease of function `name`. */
  add(name: string, lease: Lease): void {
    let leases = this.#byFunction.get(name);
    if (!leases) this.#byFunction.set(name, leases = new Set());
    leases.add(lease);
  }

  /** Forgets a released lease of function `name`. */
  delete(name: string, lease: Lease): void {
    const leases = this.#byFunction.get(name);
    leases?.delete(lease);
    if (leases?.size === 0) this.#byFunction.delete(name);
  }

  /** Seconds the oldest running invocation of `name` has run at `now` (ms); 0 when none. */
  runningFor(name: string, now: number): number {
    let oldest = now;
    for (const lease of this.#byFunction.get(name) ?? []) {
      oldest = Math.min(oldest, lease.grantedAt);
    }
    return (now - oldest) / 1000;
  }

  /** Names of the functions running at least one invocation. */
  busyFunctions(): IterableIterator<string> {
    return this.#byFunction.keys();
  }
}

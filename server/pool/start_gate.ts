/**
 * Bounds how many containers are created or initialised at once (`container.start.parallel`):
 * a small box's Docker daemon slows every start down when many run together. Starts for
 * waiting requests go before refills of blank containers.
 *
 * @module
 */

/** Who a start is for: a request waiting for it, or the stock of blank containers. */
export type StartPriority = "demand" | "refill";

/** A queue of container starts, at most `limit` running. */
export class StartGate {
  readonly #limit: number;
  readonly #queued: Record<StartPriority, (() => void)[]> = { demand: [], refill: [] };
  #running = 0;

  /** @param limit starts that may run at once (at least 1) */
  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Starts running or waiting to run. */
  get pending(): number {
    return this.#running + this.#queued.demand.length + this.#queued.refill.length;
  }

  /**
   * Runs `start` once fewer than the limit run (demand before refill, each first come first
   * served); resolves or rejects as it does.
   *
   * @example
   * ```ts
   * import { StartGate } from "./start_gate.ts";
   *
   * const gate = new StartGate(1);
   * const order: string[] = [];
   * const a = gate.run("refill", async () => { order.push("a"); });
   * const b = gate.run("refill", async () => { order.push("b"); });
   * const c = gate.run("demand", async () => { order.push("c"); });
   * await Promise.all([a, b, c]);
   * console.log(order); // ["a", "c", "b"]
   * ```
   */
  async run<T>(priority: StartPriority, start: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit) {
      await new Promise<void>((resolve) => this.#queued[priority].push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await start();
    } finally {
      const next = this.#queued.demand.shift() ?? this.#queued.refill.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

/**
 * How many blank containers each built-in image should have: as many as cold starts of that
 * image began in the last minute, at least one and at most `container.pool.blank`.
 *
 * @module
 */

/** Cold starts are counted over this many milliseconds. */
export const DEMAND_WINDOW_MS = 60_000;

/** Recent cold starts per image. */
export class ColdStartDemand {
  readonly #starts = new Map<string, number[]>();

  /** Counts a cold start of `image` at `now` (ms). */
  record(image: string, now: number): void {
    const times = this.#starts.get(image) ?? [];
    times.push(now);
    this.#starts.set(image, times);
  }

  /**
   * Blank containers `image` should have at `now` (ms): its cold starts of the last
   * {@linkcode DEMAND_WINDOW_MS}, within 1 and `max` (0 when `max` is 0).
   *
   * @example
   * ```ts
   * import { ColdStartDemand } from "./blank_demand.ts";
   *
   * const demand = new ColdStartDemand();
   * for (let i = 0; i < 3; i++) demand.record("serverledge-python311", 1000);
   * console.log(demand.target("serverledge-python311", 2000, 4)); // 3
   * console.log(demand.target("serverledge-python311", 70_000, 4)); // 1
   * ```
   */
  target(image: string, now: number, max: number): number {
    if (max <= 0) return 0;
    const times = this.#starts.get(image) ?? [];
    const recent = times.findIndex((t) => t > now - DEMAND_WINDOW_MS);
    if (recent === -1) this.#starts.delete(image);
    else if (recent > 0) times.splice(0, recent);
    const count = recent === -1 ? 0 : times.length;
    return Math.min(max, Math.max(1, count));
  }
}

/**
 * Which target an invocation goes to: the one expected to answer first. The estimate of a
 * target for function `f`:
 *
 * - it has an idle warm container of `f` (idle at its last load poll, less the requests of `f`
 *   sent to it since): its smoothed latency for `f`;
 * - else, when it runs `f` (requests of `f` in flight): its latency times one plus the requests
 *   that would wait ahead of this one per container it has for `f` (those idle at the poll and
 *   those busy with the balancer's requests then), plus a cold start when it had none of `f`
 *   then (the requests in flight wait for one);
 * - else a cold start: its latency plus {@linkcode COLD_START_MS}, and more when its last load
 *   report said its pool has no memory left.
 *
 * A target that has not run `f` counts the lowest latency of `f` on the others, else its own of
 * any function, else {@linkcode UNMEASURED_MS}. The lowest estimate
 * wins; targets within {@linkcode TIE_MS} of it take turns. Other requests go round-robin.
 *
 * @module
 */
import type { Target } from "./targets.ts";

/** What a cold start is expected to add, ms (a blank container's start is well below it). */
export const COLD_START_MS = 300;
/** Latency assumed for a target not measured yet, ms. */
export const UNMEASURED_MS = 5;
/** Added when the target's pool has no memory left for a new container, ms. */
export const NO_MEMORY_MS = 10_000;
/** Estimates this close to the best are ties, ms. */
export const TIE_MS = 0.5;

/**
 * The expected ms until `target` answers an invocation of `fn`; `typicalMs` is what `fn` took
 * on the targets that ran it, for a target that did not.
 */
export function expectedMs(target: Target, fn: string, typicalMs?: number): number {
  const latency = target.latencyMs(fn) ?? typicalMs ?? target.invokeLatencyMs ?? UNMEASURED_MS;
  const inFlight = target.inFlight(fn);
  const load = target.load;
  const idle = load?.report.AvailableWarmContainers[fn] ?? 0;
  const sentSince = Math.max(0, inFlight - (load?.inFlight.get(fn) ?? 0));
  if (idle - sentSince > 0) return latency;
  if (inFlight > 0) {
    const known = idle + (load?.inFlight.get(fn) ?? 0);
    const containers = Math.max(1, known);
    const ahead = Math.max(0, inFlight + 1 - containers);
    return latency * (1 + ahead / containers) + (known === 0 ? COLD_START_MS : 0);
  }
  const noMemory = load !== undefined && load.report.AvailableMemMB <= 0;
  return latency + COLD_START_MS + (noMemory ? NO_MEMORY_MS : 0);
}

/** Takes turns among equal choices. */
export class RoundRobin {
  #next = 0;

  /** The next of `items` in turn, or `undefined` when there is none. */
  next<T>(items: readonly T[]): T | undefined {
    if (items.length === 0) return undefined;
    const item = items[this.#next % items.length];
    this.#next = (this.#next + 1) % Number.MAX_SAFE_INTEGER;
    return item;
  }
}

/**
 * The target an invocation of `fn` goes to among `targets` (the usable ones), or `undefined`
 * when there is none.
 *
 * @example
 * ```ts
 * import { chooseForInvoke, RoundRobin } from "./choice.ts";
 * import { Target } from "./targets.ts";
 *
 * const a = new Target("http://127.0.0.1:1323", "static");
 * const b = new Target("http://127.0.0.1:1324", "static");
 * b.loaded({
 *   Id: "b", Url: b.url, Area: "ROME", Cloud: true, AvailableMemMB: 1024, AvailableCPUs: 2,
 *   AvailableWarmContainers: { hello: 1 }, LoadAvg: [0, 0, 0],
 * });
 * console.log(chooseForInvoke([a, b], "hello", new RoundRobin())?.url); // b: it has a warm one
 * ```
 */
export function chooseForInvoke(
  targets: readonly Target[],
  fn: string,
  turns: RoundRobin,
): Target | undefined {
  if (targets.length <= 1) return targets[0];
  const measured = targets.flatMap((t) => t.latencyMs(fn) ?? []);
  const typical = measured.length > 0 ? Math.min(...measured) : undefined;
  const estimates = targets.map((target) => ({ target, ms: expectedMs(target, fn, typical) }));
  const best = Math.min(...estimates.map((e) => e.ms));
  return turns.next(estimates.filter((e) => e.ms <= best + TIE_MS))?.target;
}

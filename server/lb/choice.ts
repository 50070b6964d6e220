/**
 * Which target an invocation goes to: the one expected to answer first. The estimate of a
 * target for function `f` starts from what one answer of `f` takes it:
 *
 * - its smoothed latency for `f`, when it answered some (at least its load polls' round trip,
 *   should its network have slowed down since);
 * - else the least that `f` took on a target that ran it, less that target's poll round trip
 *   (`f`'s run, where it was measured), plus its own poll round trip (the network to it);
 * - else its latency of any function; else its poll round trip alone (else
 *   {@linkcode UNMEASURED_MS}, before its first poll answered).
 *
 * Then:
 *
 * - it has an idle warm container of `f` (idle at its last load poll, less the requests of `f`
 *   sent to it since): that answer time;
 * - else, when it runs `f` (requests of `f` in flight): the answer time times one plus the
 *   requests that would wait ahead of this one per container it has for `f` (those idle at the
 *   poll and those busy with the balancer's requests then), plus a cold start when it had none
 *   of `f` then (the requests in flight wait for one);
 * - else a cold start: the answer time plus {@linkcode COLD_START_MS}, and more when its last
 *   load report said its pool has no memory left.
 *
 * The lowest estimate wins; targets within {@linkcode TIE_MS} of it take turns. Other requests
 * go round-robin.
 *
 * @module
 */
import type { Target } from "./targets.ts";

/** What a cold start is expected to add, ms (a blank container's start is well below it). */
export const COLD_START_MS = 300;
/** Network time assumed for a target whose load poll has not answered yet, ms. */
export const UNMEASURED_MS = 5;
/** Added when the target's pool has no memory left for a new container, ms. */
export const NO_MEMORY_MS = 10_000;
/** Estimates this close to the best are ties, ms. */
export const TIE_MS = 0.5;

/**
 * The expected ms until `target` answers an invocation of `fn`; `runMs` is what `fn` took on
 * the targets that ran it less their network time (see {@linkcode typicalRunMs}), for a
 * target that did not.
 */
export function expectedMs(target: Target, fn: string, runMs?: number): number {
  const latency = answerMs(target, fn, runMs);
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

/** What one answer of `fn` takes `target`, no wait counted (see the module's description). */
function answerMs(target: Target, fn: string, runMs?: number): number {
  const network = target.pollRttMs;
  const measured = target.latencyMs(fn) ??
    (runMs === undefined ? target.invokeLatencyMs : undefined);
  if (measured !== undefined) return Math.max(measured, network ?? 0);
  return (runMs ?? 0) + (network ?? UNMEASURED_MS);
}

/**
 * What `fn` takes to run where it was measured, ms: the lowest smoothed latency of `fn` among
 * `targets` less that target's poll round trip; `undefined` when none answered `fn` yet.
 */
export function typicalRunMs(targets: readonly Target[], fn: string): number | undefined {
  const runs = targets.flatMap((t) => {
    const latency = t.latencyMs(fn);
    return latency === undefined ? [] : [Math.max(0, latency - (t.pollRttMs ?? 0))];
  });
  return runs.length > 0 ? Math.min(...runs) : undefined;
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
 * }, 1);
 * console.log(chooseForInvoke([a, b], "hello", new RoundRobin())?.url); // b: it has a warm one
 * ```
 */
export function chooseForInvoke(
  targets: readonly Target[],
  fn: string,
  turns: RoundRobin,
): Target | undefined {
  if (targets.length <= 1) return targets[0];
  const typical = typicalRunMs(targets, fn);
  const estimates = targets.map((target) => ({ target, ms: expectedMs(target, fn, typical) }));
  const best = Math.min(...estimates.map((e) => e.ms));
  return turns.next(estimates.filter((e) => e.ms <= best + TIE_MS))?.target;
}

/**
 * Which idle containers may be evicted to make room for a function, and in which order; the
 * fairness rule that keeps a burst of one function from evicting every other function's warm
 * containers.
 *
 * Each function keeps a floor of its most recently used containers (`container.pool.floor`;
 * a busy container counts toward its floor before an idle one). A function that already has
 * its floor of containers grows only into free memory, blank containers and the idle
 * containers above other functions' floors; a function below its floor (a cold start of a
 * function with no container) may also take other functions' floor containers, least recently
 * used first, so a new function is never locked out.
 *
 * @module
 */

/** What eviction needs to know of a container. */
export interface EvictionCandidate {
  /** Function it serves. */
  readonly functionName: string;
  /** Invocations it serves now; only idle ones (0) can be evicted. */
  readonly active: number;
  /** When it last finished an invocation (ms). */
  readonly lastUsed: number;
  /** Whether it serves no more (it goes anyway). */
  readonly retired: boolean;
}

/**
 * The idle containers that may make room for `forFunction`, in eviction order: those above
 * their function's floor (least recently used first), then, when `forFunction` has fewer than
 * `floor` containers, the floor containers of the others (least recently used first). Never
 * containers of `forFunction` itself.
 *
 * @example
 * ```ts
 * import { evictionOrder } from "./eviction.ts";
 *
 * const containers = [
 *   { functionName: "a", active: 0, lastUsed: 1, retired: false },
 *   { functionName: "a", active: 0, lastUsed: 2, retired: false },
 *   { functionName: "b", active: 0, lastUsed: 3, retired: false },
 * ];
 * // "burst" already has its floor: only a's older container may go.
 * console.log(evictionOrder(containers, "burst", 1, 1).length); // 1
 * ```
 *
 * @param owned containers `forFunction` has (ready and starting)
 */
export function evictionOrder<C extends EvictionCandidate>(
  containers: readonly C[],
  forFunction: string,
  floor: number,
  owned: number,
): C[] {
  const byFunction = new Map<string, C[]>();
  for (const c of containers) {
    if (c.functionName === forFunction || c.retired) continue;
    const list = byFunction.get(c.functionName) ?? [];
    list.push(c);
    byFunction.set(c.functionName, list);
  }
  const aboveFloor: C[] = [];
  const atFloor: C[] = [];
  for (const list of byFunction.values()) {
    list.sort((a, b) => Number(b.active > 0) - Number(a.active > 0) || b.lastUsed - a.lastUsed);
    list.forEach((c, rank) => {
      if (c.active === 0) (rank < floor ? atFloor : aboveFloor).push(c);
    });
  }
  const lru = (a: C, b: C) => a.lastUsed - b.lastUsed;
  aboveFloor.sort(lru);
  return owned < floor ? [...aboveFloor, ...atFloor.sort(lru)] : aboveFloor;
}

/**
 * Running the branches of a Parallel or the items of a Map: at most `limit` at once, results
 * in index order, and on a failure no new start, the others aborted, and (once all have
 * settled) the failure of the lowest index thrown — so the outcome does not depend on which
 * one finished first.
 *
 * @module
 */

/** Thrown by a child that stopped because its signal was aborted. */
export class Cancelled extends Error {
  /** Builds the marker. */
  constructor() {
    super("cancelled");
    this.name = "Cancelled";
  }
}

/**
 * Runs `run(0)` … `run(count - 1)`, at most `limit` at once (0: all at once), each with a
 * signal aborted when `signal` is or when another one fails. Resolves with the results in
 * index order; rejects with the lowest-index failure that is not a {@linkcode Cancelled}, or
 * with a `Cancelled` when `signal` was aborted.
 */
export async function fanOut<T>(
  count: number,
  limit: number,
  signal: AbortSignal,
  run: (index: number, signal: AbortSignal) => Promise<T>,
): Promise<T[]> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener("abort", abort, { once: true });
  const results = new Array<T>(count);
  const failures = new Map<number, unknown>();
  let next = 0;
  const worker = async () => {
    while (next < count && !controller.signal.aborted) {
      const index = next++;
      try {
        results[index] = await run(index, controller.signal);
      } catch (error) {
        failures.set(index, error);
        controller.abort();
      }
    }
  };
  const workers = limit > 0 ? Math.min(limit, count) : count;
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal.removeEventListener("abort", abort);
  }
  if (signal.aborted) throw new Cancelled();
  const real = [...failures.entries()].filter(([, e]) => !(e instanceof Cancelled)).sort((
    [a],
    [b],
  ) => a - b);
  if (real.length > 0) throw real[0][1];
  if (failures.size > 0) throw new Cancelled();
  return results;
}

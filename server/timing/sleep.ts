/**
 * Waiting for a while, or until a signal aborts.
 *
 * @module
 */

/**
 * Resolves after `ms` milliseconds, or as soon as `signal` aborts (at once when it already
 * has). Never rejects; check `signal.aborted` afterwards to tell the two apart.
 *
 * @example
 * ```ts
 * import { sleep } from "./sleep.ts";
 *
 * await sleep(10);
 * const stop = new AbortController();
 * setTimeout(() => stop.abort(), 5);
 * await sleep(60_000, stop.signal); // resolves after about 5 ms
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}

/**
 * Resolves when `signal` aborts (at once when it already has), to race against other waits.
 *
 * @example
 * ```ts
 * import { untilAborted } from "./sleep.ts";
 *
 * const stop = new AbortController();
 * const work = new Promise<string>((resolve) => setTimeout(() => resolve("done"), 10));
 * stop.abort();
 * await Promise.race([work, untilAborted(stop.signal)]); // undefined: stopped first
 * await work;
 * ```
 */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}

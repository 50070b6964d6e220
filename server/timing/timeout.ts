/**
 * Giving up on a promise that takes too long.
 *
 * @module
 */

/** What {@linkcode withTimeout} rejects with when the promise does not settle in time. */
export class TimeoutError extends Error {
  /** @param ms milliseconds that were waited, named in the message */
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * `promise`, or a rejection with {@linkcode TimeoutError} when it has not settled after `ms`
 * milliseconds. The timer is cleared as soon as `promise` settles; `promise` itself goes on.
 *
 * @example
 * ```ts
 * import { TimeoutError, withTimeout } from "./timeout.ts";
 *
 * const slow = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 50));
 * const error = await withTimeout(slow, 10).catch((error) => error);
 * console.log(error instanceof TimeoutError); // true: "no answer within 10 ms"
 * await slow;
 * ```
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Test fixture: waiting, bounded, for something a test cannot be told about directly (a
 * process to see another, a file to be re-read). The bound is there to end a failing test,
 * never to measure speed.
 *
 * @example
 * ```ts
 * import { until } from "./until.ts";
 *
 * let ready = false;
 * setTimeout(() => ready = true, 10);
 * await until(() => ready, "the flag");
 * ```
 *
 * @module
 */
import { sleep } from "../timing/sleep.ts";

/** Options of {@linkcode until}. */
export interface UntilOptions {
  /** Milliseconds before giving up. @default {20000} */
  timeoutMs?: number;
  /** Milliseconds between two calls of the probe. @default {100} */
  pollMs?: number;
}

/**
 * Calls `probe` until it gives something other than `false` or `undefined`, and resolves that;
 * throws "Timed out waiting for `what`" once `timeoutMs` have passed.
 */
export async function until<T>(
  probe: () => T | Promise<T>,
  what: string,
  { timeoutMs = 20_000, pollMs = 100 }: UntilOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== false && value !== undefined) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** Waits until `condition()` holds, failing after `timeoutMs` (polled every 50 ms). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  await until(condition, `a condition (${timeoutMs} ms)`, { timeoutMs, pollMs: 50 });
}

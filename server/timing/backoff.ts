/**
 * Exponential backoff: how long to wait before the next attempt of something that failed.
 *
 * @module
 */

/** Options of {@linkcode backoffDelay}. */
export interface BackoffOptions {
  /** Milliseconds to wait before the first retry. */
  firstMs: number;
  /**
   * Milliseconds never exceeded, however many retries came before.
   *
   * @default {Infinity}
   */
  maxMs?: number;
}

/**
 * Milliseconds to wait before retry number `retry` (0 for the first): `firstMs` doubled
 * `retry` times, capped at `maxMs`.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./backoff.ts";
 *
 * const options = { firstMs: 100, maxMs: 1_000 };
 * [0, 1, 2, 3, 4].map((retry) => backoffDelay(retry, options)); // [100, 200, 400, 800, 1000]
 * ```
 */
export function backoffDelay(retry: number, options: BackoffOptions): number {
  return Math.min(options.firstMs * 2 ** retry, options.maxMs ?? Infinity);
}

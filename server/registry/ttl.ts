/**
 * The check of a TTL, shared by the async reports and the membership of every backend.
 *
 * @module
 */

/**
 * Throws a `RangeError` when `ttlSeconds` is not a positive number; `what` names the TTL.
 *
 * @example
 * ```ts
 * import { checkTtl } from "./ttl.ts";
 *
 * checkTtl(20, "Node"); // fine
 * try {
 *   checkTtl(0, "Async");
 * } catch (error) {
 *   console.log((error as RangeError).message); // Async TTL "0" is invalid: ...
 * }
 * ```
 */
export function checkTtl(ttlSeconds: number, what: "Async" | "Node" | "Workflow run"): void {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`${what} TTL "${ttlSeconds}" is invalid: it must be a positive number`);
  }
}

/**
 * The async reports part of the registry: what `GET /poll/:reqId` answers from.
 *
 * @module
 */
import type { AsyncEntry } from "../../protocol/registry.ts";

/** Async entries by request id, each expiring after its TTL. Methods may throw `UnavailableError`. */
export interface AsyncReportStore {
  /**
   * Stores `entry` under `reqId`, expiring after `ttlSeconds`.
   *
   * @throws {RangeError} when `ttlSeconds` is not a positive number
   */
  put(reqId: string, entry: AsyncEntry, ttlSeconds: number): Promise<void>;
  /** The entry stored under `reqId`, or `undefined`. */
  get(reqId: string): Promise<AsyncEntry | undefined>;
  /** Ids of the pending entries started by `node` (to settle them after a restart). */
  listPending(node: string): Promise<string[]>;
}

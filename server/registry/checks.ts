/**
 * Checks shared by the registry backends: what a node record and a TTL must be.
 *
 * @module
 */
import type { NodeRecord } from "./registry.ts";

/** Throws a `TypeError` naming the field when `node` is not a storable node record. */
export function checkNodeRecord(node: NodeRecord): void {
  if (typeof node !== "object" || node === null) {
    throw new TypeError(`Node "${node}" is invalid: it must be an object`);
  }
  for (const field of ["Id", "Area"] as const) {
    const value = node[field];
    if (typeof value !== "string" || value.length === 0 || value.includes("/")) {
      throw new TypeError(`Node ${field} "${value}" is invalid: it must be non-empty, without "/"`);
    }
  }
  if (typeof node.Url !== "string" || node.Url.length === 0) {
    throw new TypeError(`Node Url "${node.Url}" is invalid: it must be a non-empty string`);
  }
  if (typeof node.Cloud !== "boolean") {
    throw new TypeError(`Node Cloud "${node.Cloud}" is invalid: it must be a boolean`);
  }
}

/** Throws a `RangeError` when `ttlSeconds` is not a positive number; `what` names the TTL. */
export function checkTtl(ttlSeconds: number, what: "Async" | "Node"): void {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`${what} TTL "${ttlSeconds}" is invalid: it must be a positive number`);
  }
}

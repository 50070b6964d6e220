/**
 * The membership part of the registry: the nodes of the deployment, each registered under a
 * lease; and the checks every backend makes of a registration.
 *
 * @module
 */
import type { NodeRecord } from "../../protocol/registry.ts";
import { checkTtl } from "./ttl.ts";

/** A change of membership, as seen by {@linkcode MembershipRegistry.watch}. */
export type NodeEvent =
  | { type: "put"; node: NodeRecord }
  | { type: "delete"; id: string };

/** The registered nodes. Every method may throw `UnavailableError`. */
export interface MembershipRegistry {
  /**
   * Registers `node` under a lease of `ttlSeconds`, kept alive until the returned function is
   * called (which revokes the lease, so the node disappears at once). When the lease is lost
   * (etcd restarted or unreachable longer than the TTL) the node registers again as soon as it can.
   *
   * @throws {TypeError} when `node` is malformed (see {@linkcode checkedNodeRecord})
   * @throws {RangeError} when `ttlSeconds` is not a positive number
   */
  register(node: NodeRecord, ttlSeconds: number): Promise<() => Promise<void>>;
  /** Every registered node (this one included). */
  list(): Promise<NodeRecord[]>;
  /** Calls `onEvent` for every membership change after this call; returns a function that stops. */
  watch(onEvent: (event: NodeEvent) => void): () => void;
}

/**
 * Checks a registration: throws a `TypeError` naming the field when `node` is not a storable
 * node record (Id and Area non-empty without "/", Url non-empty, Cloud a boolean), a
 * `RangeError` when `ttlSeconds` is not a positive number. Returns a copy of the record with
 * its four fields only.
 *
 * @example
 * ```ts
 * import { checkedNodeRecord } from "./membership_registry.ts";
 *
 * const node = { Id: "n1", Url: "http://127.0.0.1:1323", Area: "ROME", Cloud: false };
 * checkedNodeRecord(node, 20); // a copy of node
 * ```
 */
export function checkedNodeRecord(node: NodeRecord, ttlSeconds: number): NodeRecord {
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
  checkTtl(ttlSeconds, "Node");
  return { Id: node.Id, Url: node.Url, Area: node.Area, Cloud: node.Cloud };
}

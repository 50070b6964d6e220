/**
 * Node membership in etcd: the JSON record of each node under
 * `/registry/<area>/<edge|cloud>/<id>`, under the node's lease.
 *
 * @module
 */
import type { IKeyValue } from "etcd3";
import {
  checkedNodeRecord,
  type MembershipRegistry,
  type NodeEvent,
} from "../membership_registry.ts";
import type { NodeRecord } from "../../../protocol/registry.ts";
import type { EtcdConnection } from "./connection.ts";
import { parseJsonObject } from "./json_object.ts";
import { NodeRegistration } from "./node_registration.ts";
import type { PrefixWatches } from "./prefix_watch.ts";
import { NODE_PREFIX } from "./key_prefixes.ts";

/**
 * {@linkcode MembershipRegistry} on etcd. Registered nodes stay registered across etcd
 * restarts: a node whose lease is lost registers again under a new one.
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 * import { EtcdMembershipRegistry } from "./membership.ts";
 * import { PrefixWatches } from "./prefix_watch.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * const nodes = new EtcdMembershipRegistry(connection, new PrefixWatches(connection));
 * const node = { Id: "n1", Url: "http://127.0.0.1:1323", Area: "ROME", Cloud: false };
 * const unregister = await nodes.register(node, 20);
 * console.log(await nodes.list()); // [node]
 * await unregister();
 * connection.close();
 * ```
 */
export class EtcdMembershipRegistry implements MembershipRegistry {
  #connection: EtcdConnection;
  #watches: PrefixWatches;
  #registrations = new Set<NodeRegistration>();

  /**
   * @param connection where nodes register
   * @param watches where {@linkcode EtcdMembershipRegistry.watch} starts its watches
   */
  constructor(connection: EtcdConnection, watches: PrefixWatches) {
    this.#connection = connection;
    this.#watches = watches;
  }

  /**
   * Puts `node` under `/registry/<area>/<edge|cloud>/<id>` with a lease of `ttlSeconds`
   * (rounded up to whole seconds; etcd raises it to its minimum, 2 s with default settings)
   * and keeps the lease alive (see {@linkcode NodeRegistration.start}).
   *
   * The returned function revokes the lease, so the node disappears at once; when etcd does not
   * answer it just stops the keepalive and the lease expires by itself. It never rejects.
   *
   * @throws {TypeError} when `node` is malformed
   * @throws {RangeError} when `ttlSeconds` is not a positive number
   * @throws {UnavailableError} when the first registration fails (nothing is left behind)
   */
  async register(node: NodeRecord, ttlSeconds: number): Promise<() => Promise<void>> {
    const record = checkedNodeRecord(node, ttlSeconds);
    const registration = new NodeRegistration({
      connection: this.#connection,
      key: _nodeKey(record),
      value: JSON.stringify(record),
      id: record.Id,
      ttlSeconds: Math.ceil(ttlSeconds),
    });
    this.#registrations.add(registration);
    try {
      await registration.start();
    } catch (error) {
      this.#registrations.delete(registration);
      throw error;
    }
    return async () => {
      this.#registrations.delete(registration);
      await registration.stop(this.#connection.timeoutMs);
    };
  }

  /** Every registered node, ordered by key: area, then kind (cloud before edge), then id. */
  async list(): Promise<NodeRecord[]> {
    const range = this.#connection.client.getAll().prefix(NODE_PREFIX).sort("Key", "Ascend");
    const result = await this.#connection.call(() => range.exec());
    return result.kvs.flatMap((kv) => _parseNode(kv) ?? []);
  }

  /**
   * Calls `onEvent`, asynchronously and in order, for every change of membership (a node
   * registered, registered again, unregistered or expired), starting after the last revision
   * this registry has seen (so a `list` followed by `watch` misses nothing). Reconnects after
   * etcd restarts, replaying the changes made meanwhile. An exception thrown by `onEvent` is
   * logged, not propagated.
   */
  watch(onEvent: (event: NodeEvent) => void): () => void {
    return this.#watches.start(NODE_PREFIX, "Node", _nodeEvent, onEvent);
  }

  /**
   * Stops keeping the registered nodes alive, revoking their leases if etcd answers within
   * `revokeTimeoutMs` (else they expire by themselves). Never rejects.
   */
  async unregisterAll(revokeTimeoutMs: number): Promise<void> {
    const registrations = [...this.#registrations];
    this.#registrations.clear();
    await Promise.all(registrations.map((registration) => registration.stop(revokeTimeoutMs)));
  }
}

function _nodeEvent(type: "put" | "delete", kv: IKeyValue): NodeEvent | undefined {
  if (type === "delete") {
    const id = _nodeIdOf(kv.key.toString());
    return id === undefined ? undefined : { type, id };
  }
  const node = _parseNode(kv);
  return node ? { type, node } : undefined;
}

function _nodeKey(node: NodeRecord): string {
  return `${NODE_PREFIX}${node.Area}/${node.Cloud ? "cloud" : "edge"}/${node.Id}`;
}

/** The id in a key `/registry/<area>/<edge|cloud>/<id>`, or `undefined` for any other key. */
function _nodeIdOf(key: string): string | undefined {
  const parts = key.slice(NODE_PREFIX.length).split("/");
  const ok = key.startsWith(NODE_PREFIX) && parts.length === 3 &&
    (parts[1] === "edge" || parts[1] === "cloud") && parts[0] !== "" && parts[2] !== "";
  return ok ? parts[2] : undefined;
}

/** The record stored in `kv`, if its key and value are those of a node. */
function _parseNode(kv: IKeyValue): NodeRecord | undefined {
  const id = _nodeIdOf(kv.key.toString());
  const value = parseJsonObject(kv.value.toString());
  if (id === undefined || value?.Id !== id) return undefined;
  const { Url, Area, Cloud } = value;
  if (typeof Url !== "string" || typeof Area !== "string" || typeof Cloud !== "boolean") {
    return undefined;
  }
  return { Id: id, Url, Area, Cloud };
}

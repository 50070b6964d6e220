/**
 * Node membership in etcd: the JSON record of each node under
 * `/registry/<area>/<edge|cloud>/<id>`, under the node's lease; and, so that Go Serverledge
 * nodes and ours find each other, each node's record in Go's layout too (see
 * `go_node_records.ts`): written under the same lease, and read, Go nodes' included.
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
import { goNodeKey, goNodePlace, parseGoNode } from "./go_node_records.ts";
import { NodeRegistration } from "./node_registration.ts";
import { atOneRevision } from "./one_revision.ts";
import type { PrefixWatches, ToEvent } from "./prefix_watch.ts";
import { GO_NODE_PREFIX, NODE_PREFIX } from "./key_prefixes.ts";

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
   * Puts `node` under `/registry/<area>/<edge|cloud>/<id>`, and its URL under its key of Go's
   * layout (`registry/<area>/<id>`, `registry/cloud/<area>/<id>` for a cloud node), with one
   * lease of `ttlSeconds` (rounded up to whole seconds; etcd raises it to its minimum, 2 s
   * with default settings) and keeps the lease alive (see {@linkcode NodeRegistration.start}).
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
      entries: [
        { key: _nodeKey(record), value: JSON.stringify(record) },
        { key: goNodeKey(record), value: record.Url },
      ],
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

  /**
   * Every registered node: the records of our layout, ordered by key (area, then kind, cloud
   * before edge, then id), then the nodes only Go's layout holds (Go Serverledge nodes),
   * ordered by key. A node in both layouts (each of ours) is listed once, by its record.
   * Both layouts are read in one transaction, at one revision.
   */
  async list(): Promise<NodeRecord[]> {
    const { client } = this.#connection;
    const ranges = [NODE_PREFIX, GO_NODE_PREFIX].map((prefix) =>
      client.getAll().prefix(prefix).sort("Key", "Ascend")
    );
    const result = await atOneRevision(this.#connection, ranges);
    const [ours, go] = result.responses.map((op) => op.response_range.kvs);
    const nodes = ours.flatMap((kv) => _parseNode(kv) ?? []);
    const known = new Set(nodes.flatMap((node) => [node.Id, node.Url]));
    const goOnly = go.flatMap((kv) => _parseGoKv(kv) ?? []).filter((node) =>
      !known.has(node.Id) && !known.has(node.Url)
    );
    return [...nodes, ...goOnly];
  }

  /**
   * Calls `onEvent`, asynchronously and in order, for every change of membership (a node,
   * ours or a Go node, registered, registered again, unregistered or expired; each change
   * once, though our nodes are in both layouts), starting after the last revision
   * this registry has seen (so a `list` followed by `watch` misses nothing). Reconnects after
   * etcd restarts, replaying the changes made meanwhile. An exception thrown by `onEvent` is
   * logged, not propagated.
   */
  watch(onEvent: (event: NodeEvent) => void): () => void {
    const deliver = _withoutRepeats(onEvent);
    const stops = [
      this.#watches.start(NODE_PREFIX, "Node", _withLease(_nodeEvent), deliver),
      this.#watches.start(GO_NODE_PREFIX, "Go node", _withLease(_goNodeEvent), deliver),
    ];
    return () => stops.forEach((stop) => stop());
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

/** A change seen by one of the two watches: its event, and the lease of a key put. */
interface _Change {
  event: NodeEvent;
  lease?: string;
}

/** `toEvent`, with the lease of the key for a put. */
function _withLease(toEvent: ToEvent<NodeEvent>): ToEvent<_Change> {
  return (type, kv) => {
    const event = toEvent(type, kv);
    return event && { event, lease: type === "put" ? kv.lease : undefined };
  };
}

/**
 * `onEvent`, called only for changes: each of our nodes is in both layouts under one lease,
 * so each change of it comes twice (once per watch, in either order), the second time the
 * same as the first. A put of the record last put for its id under the same lease, or a
 * delete of an id deleted last, is dropped; a node registered again (a new lease) is not.
 * (It remembers one record and lease, or a deletion, per id seen by the watch.)
 */
function _withoutRepeats(onEvent: (event: NodeEvent) => void): (change: _Change) => void {
  const last = new Map<string, { node: NodeRecord; lease?: string } | "deleted">();
  return ({ event, lease }) => {
    const id = event.type === "put" ? event.node.Id : event.id;
    const seen = last.get(id);
    if (event.type === "delete") {
      if (seen === "deleted") return;
      last.set(id, "deleted");
    } else {
      const repeat = seen !== undefined && seen !== "deleted" && seen.lease === lease &&
        _sameNode(seen.node, event.node);
      if (repeat) return;
      last.set(id, { node: event.node, lease });
    }
    onEvent(event);
  };
}

function _sameNode(a: NodeRecord, b: NodeRecord): boolean {
  return a.Id === b.Id && a.Url === b.Url && a.Area === b.Area && a.Cloud === b.Cloud;
}

/** The event of a change in Go's layout (a Go node's, or the copy of one of ours). */
function _goNodeEvent(type: "put" | "delete", kv: IKeyValue): NodeEvent | undefined {
  if (type === "delete") {
    const place = goNodePlace(kv.key.toString());
    return place ? { type, id: place.Id } : undefined;
  }
  const node = _parseGoKv(kv);
  return node ? { type, node } : undefined;
}

function _parseGoKv(kv: IKeyValue): NodeRecord | undefined {
  return parseGoNode(kv.key.toString(), kv.value.toString());
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

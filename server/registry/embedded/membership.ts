/**
 * Node membership in the embedded registry: in memory, for the one node that uses the file.
 *
 * @module
 */
import { Listeners } from "../listeners.ts";
import {
  checkedNodeRecord,
  type MembershipRegistry,
  type NodeEvent,
} from "../membership_registry.ts";
import type { NodeRecord } from "../../../protocol/registry.ts";

/**
 * {@linkcode MembershipRegistry} in memory: the one node registers itself, nothing expires,
 * nothing is kept across restarts. Watchers see the changes synchronously, before the
 * changing call resolves.
 *
 * @example
 * ```ts
 * import { EmbeddedMembershipRegistry } from "./membership.ts";
 *
 * const nodes = new EmbeddedMembershipRegistry();
 * const node = { Id: "n1", Url: "http://127.0.0.1:1323", Area: "ROME", Cloud: false };
 * const unregister = await nodes.register(node, 20);
 * console.log(await nodes.list()); // [node]
 * await unregister();
 * ```
 */
export class EmbeddedMembershipRegistry implements MembershipRegistry {
  #nodes = new Map<string, { record: NodeRecord; token: symbol }>();
  #listeners = new Listeners<NodeEvent>("Node");

  /**
   * Remembers `node` (in memory, without expiry: `ttlSeconds` is only checked) and tells the
   * node watchers. The returned function forgets it and tells the watchers, unless `node.Id`
   * was registered again meanwhile.
   *
   * @throws {TypeError} when `node` is malformed
   * @throws {RangeError} when `ttlSeconds` is not a positive number
   */
  register(node: NodeRecord, ttlSeconds: number): Promise<() => Promise<void>> {
    let record: NodeRecord;
    try {
      record = checkedNodeRecord(node, ttlSeconds);
    } catch (error) {
      return Promise.reject(error);
    }
    const token = Symbol(record.Id);
    this.#nodes.set(record.Id, { record, token });
    this.#listeners.emit({ type: "put", node: { ...record } });
    return Promise.resolve(() => {
      if (this.#nodes.get(record.Id)?.token === token) {
        this.#nodes.delete(record.Id);
        this.#listeners.emit({ type: "delete", id: record.Id });
      }
      return Promise.resolve();
    });
  }

  /** Every registered node, ordered by id. */
  list(): Promise<NodeRecord[]> {
    const nodes = [...this.#nodes.values()].map(({ record }) => ({ ...record }));
    return Promise.resolve(nodes.sort((a, b) => a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0));
  }

  /**
   * Calls `onEvent` for every later registration or unregistration, before the changing call
   * resolves. An exception thrown by `onEvent` is logged, not propagated.
   */
  watch(onEvent: (event: NodeEvent) => void): () => void {
    return this.#listeners.add(onEvent);
  }

  /** Stops every watcher and forgets the registered nodes. */
  clear(): void {
    this.#listeners.clear();
    this.#nodes.clear();
  }
}

/**
 * Async reports in etcd: the JSON of each entry under `/async/<reqId>`, under a lease with the
 * entry's TTL.
 *
 * @module
 */
import type { AsyncReportStore } from "../async_report_store.ts";
import type { AsyncEntry } from "../../../protocol/registry.ts";
import { checkTtl } from "../ttl.ts";
import type { EtcdConnection } from "./connection.ts";
import { parseJsonObject } from "./json_object.ts";
import { ASYNC_PREFIX } from "./key_prefixes.ts";

/**
 * {@linkcode AsyncReportStore} on etcd: each put grants a lease of the entry's TTL, so etcd
 * removes the entry when it expires.
 *
 * @example
 * ```ts
 * import { EtcdAsyncReportStore } from "./async_reports.ts";
 * import { EtcdConnection } from "./connection.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * const reports = new EtcdAsyncReportStore(connection);
 * await reports.put("f-1", { Status: "pending", Node: "n1", Function: "f", Since: 0 }, 60);
 * console.log(await reports.listPending("n1")); // ["f-1"]
 * connection.close();
 * ```
 */
export class EtcdAsyncReportStore implements AsyncReportStore {
  #connection: EtcdConnection;

  /** @param connection where entries are stored */
  constructor(connection: EtcdConnection) {
    this.#connection = connection;
  }

  /**
   * Stores `entry` under `reqId` with a lease of `ttlSeconds`, rounded up to whole seconds
   * (etcd raises it to its minimum lease TTL, 2 s with default settings).
   */
  async put(reqId: string, entry: AsyncEntry, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds, "Async");
    const key = _asyncKey(reqId);
    const TTL = Math.ceil(ttlSeconds);
    const { client } = this.#connection;
    const lease = await this.#connection.call(() => client.leaseClient.leaseGrant({ TTL }));
    const put = client.put(key).value(JSON.stringify(entry)).lease(lease.ID);
    await this.#connection.call(() => put.exec());
  }

  /** The entry stored under `reqId`, or `undefined`. */
  async get(reqId: string): Promise<AsyncEntry | undefined> {
    const key = _asyncKey(reqId);
    const { client } = this.#connection;
    const result = await this.#connection.call(() => client.get(key).exec());
    const value = result.kvs[0]?.value.toString();
    return value === undefined ? undefined : _parseAsync(value);
  }

  /** Ids of the pending entries of `node` (a scan of `/async/`). */
  async listPending(node: string): Promise<string[]> {
    const range = this.#connection.client.getAll().prefix(ASYNC_PREFIX);
    const result = await this.#connection.call(() => range.exec());
    return result.kvs.flatMap((kv) => {
      const entry = _parseAsync(kv.value.toString());
      if (entry?.Status !== "pending" || entry.Node !== node) return [];
      return [kv.key.toString().slice(ASYNC_PREFIX.length)];
    });
  }
}

function _asyncKey(reqId: string): string {
  if (typeof reqId !== "string" || reqId.length === 0) {
    throw new TypeError(`Request id "${reqId}" is invalid: it must be a non-empty string`);
  }
  return ASYNC_PREFIX + reqId;
}

function _parseAsync(json: string): AsyncEntry | undefined {
  const value = parseJsonObject(json);
  return typeof value?.Status === "string" ? value as unknown as AsyncEntry : undefined;
}

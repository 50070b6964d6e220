/**
 * Async reports in etcd: the JSON of each entry under `/async/<reqId>`, under a lease with the
 * entry's TTL; a report also under Serverledge's key `async/<reqId>`, where a Go node polls.
 *
 * @module
 */
import type { AsyncReportStore } from "../async_report_store.ts";
import type { AsyncEntry } from "../../../protocol/registry.ts";
import { checkTtl } from "../ttl.ts";
import type { EtcdConnection } from "./connection.ts";
import { parseJsonObject } from "./json_object.ts";
import { atOneRevision } from "./one_revision.ts";
import { ASYNC_PREFIX, GO_ASYNC_PREFIX } from "./key_prefixes.ts";

/**
 * {@linkcode AsyncReportStore} on etcd: each put grants a lease of the entry's TTL, so etcd
 * removes the entry when it expires. Shared with Go Serverledge nodes: a report is written
 * also as Serverledge's `Response` under `async/<reqId>` (same lease), which Go's `/poll`
 * answers as is; a request id with no entry of ours is looked up there, so a result a Go node
 * published reads as done.
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
    const { client } = this.#connection;
    const lease = await this.#connection.grantLease(ttlSeconds);
    const puts = [client.put(key).value(JSON.stringify(entry)).lease(lease)];
    if (entry.Status === "done") {
      // Our report is Serverledge's Response (Success and the execution report's fields) with
      // fields Go ignores; a pending entry is not written there, as Go's poll answers 404 then.
      puts.push(
        client.put(GO_ASYNC_PREFIX + reqId).value(JSON.stringify(entry.Report)).lease(lease),
      );
    }
    await atOneRevision(this.#connection, puts);
  }

  /**
   * The entry stored under `reqId`, or, when there is none, the result a Go node stored under
   * Serverledge's key (as a `done` entry); `undefined` when neither exists.
   */
  async get(reqId: string): Promise<AsyncEntry | undefined> {
    const key = _asyncKey(reqId);
    const { client } = this.#connection;
    const gets = [client.get(key), client.get(GO_ASYNC_PREFIX + reqId)];
    const result = await atOneRevision(this.#connection, gets);
    const [ours, go] = result.responses.map((r) => r.response_range?.kvs[0]?.value.toString());
    if (ours !== undefined) return _parseAsync(ours);
    return go === undefined ? undefined : _parseGoResult(go);
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

/** A result Serverledge wrote (its `Response`: `Success` and the report's fields), as an entry. */
function _parseGoResult(json: string): AsyncEntry | undefined {
  const value = parseJsonObject(json);
  return typeof value?.Success === "boolean" ? { Status: "done", Report: value } : undefined;
}

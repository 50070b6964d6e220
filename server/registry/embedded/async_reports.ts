/**
 * Async reports in the embedded registry: each entry under `["async", reqId]` with its expiry.
 *
 * @module
 */
import type { AsyncReportStore } from "../async_report_store.ts";
import type { AsyncEntry } from "../../../protocol/registry.ts";
import { checkTtl } from "../ttl.ts";
import type { KvFile } from "./kv_file.ts";

const ASYNC = "async";

/** What is stored under `[ASYNC, reqId]`. */
type _StoredAsync = { entry: AsyncEntry; expiresAt: number };

/**
 * {@linkcode AsyncReportStore} on Deno KV. An entry reads as absent once its TTL has passed;
 * Deno KV removes it some time later.
 *
 * @example
 * ```ts
 * import { EmbeddedAsyncReportStore } from "./async_reports.ts";
 * import { KvFile } from "./kv_file.ts";
 *
 * const file = await KvFile.open(await Deno.makeTempDir());
 * const reports = new EmbeddedAsyncReportStore(file);
 * await reports.put("f-1", { Status: "pending", Node: "n1", Function: "f", Since: 0 }, 60);
 * console.log(await reports.listPending("n1")); // ["f-1"]
 * file.close();
 * ```
 */
export class EmbeddedAsyncReportStore implements AsyncReportStore {
  #file: KvFile;

  /** @param file where entries are stored */
  constructor(file: KvFile) {
    this.#file = file;
  }

  /** Stores `entry` under `reqId`; it reads as absent after `ttlSeconds`. */
  async put(reqId: string, entry: AsyncEntry, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds, "Async");
    const ttlMs = Math.ceil(ttlSeconds * 1000);
    const stored: _StoredAsync = { entry, expiresAt: Date.now() + ttlMs };
    return await this.#file.run(async () => {
      await this.#file.kv.set([ASYNC, reqId], stored, { expireIn: ttlMs });
    });
  }

  /** The entry stored under `reqId`, or `undefined` when absent or expired. */
  async get(reqId: string): Promise<AsyncEntry | undefined> {
    return await this.#file.run(async () => {
      const stored = await this.#file.kv.get<_StoredAsync>([ASYNC, reqId]);
      return _live(stored.value) ? stored.value.entry : undefined;
    });
  }

  /** Ids of the live pending entries of `node`. */
  async listPending(node: string): Promise<string[]> {
    return await this.#file.run(async () => {
      const ids: string[] = [];
      for await (const { key, value } of this.#file.kv.list<_StoredAsync>({ prefix: [ASYNC] })) {
        if (!_live(value)) continue;
        if (value.entry.Status === "pending" && value.entry.Node === node) {
          ids.push(String(key[1]));
        }
      }
      return ids;
    });
  }
}

function _live(stored: _StoredAsync | null): stored is _StoredAsync {
  return stored !== null && stored.expiresAt > Date.now();
}

/**
 * The etcd registry: function definitions and async reports in an etcd shared by every node
 * of a deployment. Keys: `/function/<name>` (definition JSON) and `/async/<reqId>` (entry
 * JSON under a lease with the entry's TTL).
 *
 * @module
 */
import { Etcd3, type IOptions, type IResponseHeader, type Watcher } from "etcd3";
import type { FunctionDefinition } from "../functions/function.ts";
import { HttpError, PayloadTooLargeError, UnavailableError } from "../errors.ts";
import type { AsyncEntry, FunctionEvent, Registry } from "./registry.ts";

/** Key prefix of function definitions. */
export const FUNCTION_PREFIX = "/function/";
/** Key prefix of async entries. */
export const ASYNC_PREFIX = "/async/";

/** Milliseconds a watch waits before reconnecting, first and at most. */
const WATCH_BACKOFF_MS = { first: 100, max: 2_000 };

/** Options of {@linkcode EtcdRegistry.open}. */
export interface EtcdRegistryOptions {
  /**
   * Milliseconds one call to etcd may take (retries included) before it fails with
   * `UnavailableError`.
   *
   * @default {3000}
   */
  timeoutMs?: number;
}

type _FaultHandling = NonNullable<IOptions["faultHandling"]>;
type _HostPolicy = ReturnType<NonNullable<_FaultHandling["host"]>>;
type _Backoff = NonNullable<_FaultHandling["watchBackoff"]>;

/**
 * {@linkcode Registry} on etcd (v3 API, through npm `etcd3`).
 *
 * Every call fails with `UnavailableError` within `timeoutMs` when etcd does not answer.
 * Watches survive etcd restarts: the client reconnects and replays the changes it missed.
 *
 * @example
 * ```ts
 * import { EtcdRegistry } from "./etcd.ts";
 *
 * await using registry = await EtcdRegistry.open("127.0.0.1:2379");
 * const stop = registry.watchFunctions((event) => console.log(event.type));
 * console.log(await registry.listFunctions());
 * stop();
 * ```
 */
export class EtcdRegistry implements Registry, AsyncDisposable {
  /** Always `etcd`. */
  readonly kind = "etcd";
  /** The address as given to {@linkcode EtcdRegistry.open}. */
  readonly address: string;
  #client: Etcd3;
  #timeoutMs: number;
  #revision = 0n;
  #watchers = new Set<_FunctionWatch>();

  private constructor(address: string, client: Etcd3, timeoutMs: number) {
    this.address = address;
    this.#client = client;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Connects to the etcd at `address` (`host:port`, as Serverledge's `etcd.address` gives it,
   * or an `http://` / `https://` URL) and checks that it answers.
   *
   * @throws {TypeError} when `address` is malformed
   * @throws {UnavailableError} when etcd does not answer within `timeoutMs`
   */
  static async open(address: string, options: EtcdRegistryOptions = {}): Promise<EtcdRegistry> {
    const timeoutMs = options.timeoutMs ?? 3_000;
    if (!(timeoutMs > 0)) {
      throw new RangeError(`Etcd timeout "${timeoutMs}" is invalid: it must be positive`);
    }
    const client = new Etcd3(_clientOptions(etcdHost(address), timeoutMs));
    const registry = new EtcdRegistry(address, client, timeoutMs);
    try {
      await registry.#call(() => client.get(FUNCTION_PREFIX).exec());
    } catch (error) {
      await registry.close();
      throw error;
    }
    return registry;
  }

  /** Stores `definition` unless a function of that name exists (one transaction). */
  async createFunction(definition: FunctionDefinition): Promise<boolean> {
    const key = _functionKey(definition.Name);
    const put = this.#client.put(key).value(JSON.stringify(definition));
    const result = await this.#call(() =>
      this.#client.if(key, "Create", "==", 0).then(put).commit()
    );
    return result.succeeded;
  }

  /** Replaces the stored definition of `definition.Name`, if any (one transaction). */
  async updateFunction(definition: FunctionDefinition): Promise<boolean> {
    const key = _functionKey(definition.Name);
    const put = this.#client.put(key).value(JSON.stringify(definition));
    const result = await this.#call(() =>
      this.#client.if(key, "Create", ">", 0).then(put).commit()
    );
    return result.succeeded;
  }

  /** Removes the definition named `name`, if any. */
  async deleteFunction(name: string): Promise<boolean> {
    const key = _functionKey(name);
    const result = await this.#call(() => this.#client.delete().key(key).exec());
    return Number(result.deleted) > 0;
  }

  /** Every stored definition, ordered by name; values that are not definitions are skipped. */
  async listFunctions(): Promise<FunctionDefinition[]> {
    const range = this.#client.getAll().prefix(FUNCTION_PREFIX).sort("Key", "Ascend");
    const result = await this.#call(() => range.exec());
    return result.kvs.flatMap((kv) => _parseDefinition(kv.value.toString()) ?? []);
  }

  /**
   * Calls `onEvent`, asynchronously and in order, for every change to `/function/` by any
   * node, starting after the last revision this instance has seen (so a `listFunctions`
   * followed by `watchFunctions` misses nothing). Reconnects after etcd restarts, replaying
   * the changes made meanwhile. An exception thrown by `onEvent` is logged, not propagated.
   */
  watchFunctions(onEvent: (event: FunctionEvent) => void): () => void {
    const watch = new _FunctionWatch(this.#client, this.#revision, onEvent);
    this.#watchers.add(watch);
    return () => {
      this.#watchers.delete(watch);
      watch.stop();
    };
  }

  /**
   * Stores `entry` under `reqId` with a lease of `ttlSeconds`, rounded up to whole seconds
   * (etcd raises it to its minimum lease TTL, 2 s with default settings).
   */
  async putAsync(reqId: string, entry: AsyncEntry, ttlSeconds: number): Promise<void> {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError(`Async TTL "${ttlSeconds}" is invalid: it must be a positive number`);
    }
    const key = _asyncKey(reqId);
    const TTL = Math.ceil(ttlSeconds);
    const lease = await this.#call(() => this.#client.leaseClient.leaseGrant({ TTL }));
    const put = this.#client.put(key).value(JSON.stringify(entry)).lease(lease.ID);
    await this.#call(() => put.exec());
  }

  /** The entry stored under `reqId`, or `undefined`. */
  async getAsync(reqId: string): Promise<AsyncEntry | undefined> {
    const key = _asyncKey(reqId);
    const result = await this.#call(() => this.#client.get(key).exec());
    const value = result.kvs[0]?.value.toString();
    return value === undefined ? undefined : _parseAsync(value);
  }

  /** Ids of the pending entries of `node` (a scan of `/async/`). */
  async listPendingAsync(node: string): Promise<string[]> {
    const result = await this.#call(() => this.#client.getAll().prefix(ASYNC_PREFIX).exec());
    return result.kvs.flatMap((kv) => {
      const entry = _parseAsync(kv.value.toString());
      if (entry?.Status !== "pending" || entry.Node !== node) return [];
      return [kv.key.toString().slice(ASYNC_PREFIX.length)];
    });
  }

  /** Stops every watch and closes the connection. */
  async close(): Promise<void> {
    const watches = [...this.#watchers];
    this.#watchers.clear();
    await Promise.all(watches.map((watch) => watch.stop()));
    this.#client.close();
  }

  /** Same as {@linkcode EtcdRegistry.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs one etcd call within the timeout, records the revision it saw and turns its failure
   * into `UnavailableError` (or `PayloadTooLargeError` when etcd refuses the size).
   */
  async #call<T extends { header: IResponseHeader }>(call: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
    });
    try {
      const result = await Promise.race([call(), timeout]);
      const revision = BigInt(result.header.revision);
      if (revision > this.#revision) this.#revision = revision;
      return result;
    } catch (error) {
      throw this.#error(error);
    } finally {
      clearTimeout(timer);
    }
  }

  #error(error: unknown): Error {
    if (error instanceof HttpError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const detail = message.replace(/\s*Resolution note:\s*$/, "");
    if (/request is too large|larger than max/i.test(detail)) {
      return new PayloadTooLargeError(`Registry "etcd" at "${this.address}" refused: ${detail}`, {
        cause: error,
      });
    }
    return new UnavailableError(`Registry "etcd" at "${this.address}" is unavailable: ${detail}`, {
      cause: error,
    });
  }
}

/**
 * The host (`host:port`, or `https://host:port` for TLS) that npm `etcd3` takes for an
 * address as Serverledge's `etcd.address` gives it: `host:port` or an `http(s)://` URL.
 *
 * @throws {TypeError} when `address` is malformed
 *
 * @example
 * ```ts
 * import { etcdHost } from "./etcd.ts";
 *
 * etcdHost("127.0.0.1:2379"); // "127.0.0.1:2379"
 * etcdHost("http://127.0.0.1:2379/"); // "127.0.0.1:2379"
 * ```
 */
export function etcdHost(address: string): string {
  const trimmed = address.trim();
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw new TypeError(`Etcd address "${address}" is invalid: expected "host:port"`, {
      cause: error,
    });
  }
  const plain = url.protocol === "http:" || url.protocol === "https:";
  if (!plain || url.hostname === "" || url.pathname !== "/" || url.search || url.username) {
    throw new TypeError(`Etcd address "${address}" is invalid: expected "host:port"`);
  }
  const port = url.port || (url.protocol === "https:" ? "443" : "2379");
  const host = `${url.hostname}:${port}`;
  return url.protocol === "https:" ? `https://${host}` : host;
}

/** Client options: a deadline on every call, no circuit breaker, quick reconnection. */
function _clientOptions(host: string, timeoutMs: number): IOptions {
  return {
    hosts: host,
    defaultCallOptions: (context) => context.isStream ? {} : { deadline: Date.now() + timeoutMs },
    faultHandling: { host: () => _noopPolicy, watchBackoff: _backoff(0) },
    grpcOptions: {
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 1_000,
      "grpc.keepalive_time_ms": 10_000,
      "grpc.keepalive_timeout_ms": 5_000,
      "grpc.max_receive_message_length": -1,
      "grpc.max_send_message_length": -1,
    },
  };
}

/**
 * A cockatiel policy that just runs the call. It replaces etcd3's default per-host circuit
 * breaker, which refuses every call for 5 s after 3 failures: too slow after an etcd restart.
 */
const _noopPolicy = {
  execute: <T>(call: (context: { signal: AbortSignal }) => PromiseLike<T> | T) =>
    Promise.resolve().then(() => call({ signal: new AbortController().signal })),
} as unknown as _HostPolicy;

/** Watch reconnection delays: doubling from 100 ms up to 2 s. */
function _backoff(ms: number): _Backoff {
  const next = ms === 0 ? WATCH_BACKOFF_MS.first : Math.min(ms * 2, WATCH_BACKOFF_MS.max);
  return { duration: ms, next: () => _backoff(next) };
}

/** One `watchFunctions` subscription: an etcd watch on `/function/`, renewed if etcd cancels it. */
class _FunctionWatch {
  #client: Etcd3;
  #onEvent: (event: FunctionEvent) => void;
  #watcher: Watcher;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(client: Etcd3, revision: bigint, onEvent: (event: FunctionEvent) => void) {
    this.#client = client;
    this.#onEvent = onEvent;
    this.#watcher = this.#watch(revision > 0n ? revision + 1n : undefined);
  }

  /** Stops delivering events and cancels the etcd watch. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#retry);
    await this.#watcher.cancel().catch(() => {});
  }

  #watch(startRevision: bigint | undefined): Watcher {
    let builder = this.#client.watch().prefix(FUNCTION_PREFIX);
    if (startRevision !== undefined) builder = builder.startRevision(String(startRevision));
    return builder.watcher()
      .on("put", (kv) => {
        const definition = _parseDefinition(kv.value.toString());
        if (definition) this.#deliver({ type: "put", definition });
      })
      .on("delete", (kv) => {
        this.#deliver({ type: "delete", name: kv.key.toString().slice(FUNCTION_PREFIX.length) });
      })
      .on("error", (error) => this.#renew(error));
  }

  /** etcd cancelled the watch (e.g. its revision was compacted): watch again from now. */
  #renew(error: Error): void {
    if (this.#stopped) return;
    console.warn(`Function watch cancelled by etcd, watching again: ${error.message}`);
    this.#retry = setTimeout(() => {
      if (!this.#stopped) this.#watcher = this.#watch(undefined);
    }, 1_000);
  }

  #deliver(event: FunctionEvent): void {
    if (this.#stopped) return;
    try {
      this.#onEvent(event);
    } catch (error) {
      console.error("Function watcher failed:", error);
    }
  }
}

function _functionKey(name: string): string {
  if (typeof name !== "string" || name.length === 0 || name.includes("/")) {
    throw new TypeError(`Function name "${name}" is invalid: it must be non-empty, without "/"`);
  }
  return FUNCTION_PREFIX + name;
}

function _asyncKey(reqId: string): string {
  if (typeof reqId !== "string" || reqId.length === 0) {
    throw new TypeError(`Request id "${reqId}" is invalid: it must be a non-empty string`);
  }
  return ASYNC_PREFIX + reqId;
}

function _parseDefinition(json: string): FunctionDefinition | undefined {
  const value = _parse(json);
  return typeof value?.Name === "string" ? value as unknown as FunctionDefinition : undefined;
}

function _parseAsync(json: string): AsyncEntry | undefined {
  const value = _parse(json);
  return typeof value?.Status === "string" ? value as unknown as AsyncEntry : undefined;
}

function _parse(json: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(json);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

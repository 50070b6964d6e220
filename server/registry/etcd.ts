/**
 * The etcd registry: function definitions, async reports and node membership in an etcd
 * shared by every node of a deployment. Keys: `/function/<name>` (definition JSON),
 * `/async/<reqId>` (entry JSON under a lease with the entry's TTL) and
 * `/registry/<area>/<edge|cloud>/<id>` (node record JSON under the node's lease).
 *
 * @module
 */
import {
  Etcd3,
  EtcdLeaseInvalidError,
  type IKeyValue,
  type IOptions,
  type IResponseHeader,
  type Lease,
  type Watcher,
} from "etcd3";
import type { FunctionDefinition } from "../../protocol/function.ts";
import { HttpError, PayloadTooLargeError, UnavailableError } from "../errors.ts";
import { checkNodeRecord, checkTtl } from "./checks.ts";
import type { AsyncEntry, FunctionEvent, NodeEvent, NodeRecord, Registry } from "./registry.ts";

/** Key prefix of function definitions. */
export const FUNCTION_PREFIX = "/function/";
/** Key prefix of async entries. */
export const ASYNC_PREFIX = "/async/";
/** Key prefix of node records: `/registry/<area>/<edge|cloud>/<id>`. */
export const NODE_PREFIX = "/registry/";

/** Milliseconds a watch waits before reconnecting, first and at most. */
const WATCH_BACKOFF_MS = { first: 100, max: 2_000 };
/** Milliseconds between two attempts to register a node again after losing its lease. */
const REGISTER_BACKOFF_MS = { first: 100, max: 2_000 };
/** Milliseconds `close()` waits for etcd to revoke the leases of the nodes still registered. */
const CLOSE_REVOKE_MS = 1_000;

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
 * Registered nodes stay registered across etcd restarts: a node whose lease is lost
 * registers again under a new one.
 *
 * @example
 * ```ts
 * import { EtcdRegistry } from "./etcd.ts";
 *
 * await using registry = await EtcdRegistry.open("127.0.0.1:2379");
 * const stop = registry.watchFunctions((event) => console.log(event.type));
 * console.log(await registry.listFunctions());
 * stop();
 *
 * const node = { Id: "n1", Url: "http://127.0.0.1:1323", Area: "ROME", Cloud: false };
 * const unregister = await registry.registerNode(node, 20);
 * console.log(await registry.listNodes()); // [node]
 * await unregister();
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
  #watchers = new Set<{ stop(): Promise<void> }>();
  #registrations = new Set<_NodeRegistration>();

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
    return this.#watch(FUNCTION_PREFIX, "Function", _functionEvent, onEvent);
  }

  /**
   * Stores `entry` under `reqId` with a lease of `ttlSeconds`, rounded up to whole seconds
   * (etcd raises it to its minimum lease TTL, 2 s with default settings).
   */
  async putAsync(reqId: string, entry: AsyncEntry, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds, "Async");
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

  /**
   * Puts `node` under `/registry/<area>/<edge|cloud>/<id>` with a lease of `ttlSeconds`
   * (rounded up to whole seconds; etcd raises it to its minimum, 2 s with default settings)
   * and keeps the lease alive. When the lease is lost (etcd unreachable for about twice the TTL,
   * or etcd says it expired) the node is put again under a new lease, retrying with backoff
   * (100 ms doubling up to 2 s) until it works or the returned function is called.
   *
   * The returned function revokes the lease, so the node disappears at once; when etcd does not
   * answer it just stops the keepalive and the lease expires by itself. It never rejects.
   *
   * @throws {TypeError} when `node` is malformed
   * @throws {RangeError} when `ttlSeconds` is not a positive number
   * @throws {UnavailableError} when the first registration fails (nothing is left behind)
   */
  async registerNode(node: NodeRecord, ttlSeconds: number): Promise<() => Promise<void>> {
    checkNodeRecord(node);
    checkTtl(ttlSeconds, "Node");
    const record: NodeRecord = { Id: node.Id, Url: node.Url, Area: node.Area, Cloud: node.Cloud };
    const registration = new _NodeRegistration({
      client: this.#client,
      key: _nodeKey(record),
      value: JSON.stringify(record),
      id: record.Id,
      ttlSeconds: Math.ceil(ttlSeconds),
      call: (call) => this.#call(call),
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
      await registration.stop(this.#timeoutMs);
    };
  }

  /** Every registered node, ordered by key: area, then kind (cloud before edge), then id. */
  async listNodes(): Promise<NodeRecord[]> {
    const range = this.#client.getAll().prefix(NODE_PREFIX).sort("Key", "Ascend");
    const result = await this.#call(() => range.exec());
    return result.kvs.flatMap((kv) => _parseNode(kv) ?? []);
  }

  /**
   * Calls `onEvent`, asynchronously and in order, for every change of membership (a node
   * registered, registered again, unregistered or expired), starting after the last revision
   * this instance has seen (so a `listNodes` followed by `watchNodes` misses nothing).
   * Reconnects after etcd restarts, replaying the changes made meanwhile. An exception thrown
   * by `onEvent` is logged, not propagated.
   */
  watchNodes(onEvent: (event: NodeEvent) => void): () => void {
    return this.#watch(NODE_PREFIX, "Node", _nodeEvent, onEvent);
  }

  /**
   * Stops every watch, stops keeping the registered nodes alive (revoking their leases if etcd
   * answers within a second) and closes the connection.
   */
  async close(): Promise<void> {
    const watches = [...this.#watchers];
    this.#watchers.clear();
    const registrations = [...this.#registrations];
    this.#registrations.clear();
    await Promise.all([
      ...watches.map((watch) => watch.stop()),
      ...registrations.map((registration) => {
        return registration.stop(Math.min(this.#timeoutMs, CLOSE_REVOKE_MS));
      }),
    ]);
    this.#client.close();
  }

  /** Same as {@linkcode EtcdRegistry.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Starts a `_PrefixWatch` after the last revision seen; returns the function that stops it. */
  #watch<E>(
    prefix: string,
    what: string,
    toEvent: (type: "put" | "delete", kv: IKeyValue) => E | undefined,
    onEvent: (event: E) => void,
  ): () => void {
    const watch = new _PrefixWatch(this.#client, prefix, what, this.#revision, toEvent, onEvent);
    this.#watchers.add(watch);
    return () => {
      this.#watchers.delete(watch);
      watch.stop();
    };
  }

  /**
   * Runs one etcd call within the timeout, records the revision it saw and turns its failure
   * into `UnavailableError` (or `PayloadTooLargeError` when etcd refuses the size).
   */
  async #call<T extends { header: IResponseHeader }>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await _withTimeout(call(), this.#timeoutMs);
      const revision = BigInt(result.header.revision);
      if (revision > this.#revision) this.#revision = revision;
      return result;
    } catch (error) {
      throw this.#error(error);
    }
  }

  #error(error: unknown): Error {
    if (error instanceof HttpError) return error;
    const detail = _message(error);
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

/**
 * One `watchFunctions` or `watchNodes` subscription: an etcd watch on a prefix (which etcd3
 * reconnects after etcd restarts, resuming after the last revision it delivered), renewed if
 * etcd cancels it.
 */
class _PrefixWatch<E> {
  #client: Etcd3;
  #prefix: string;
  #what: string;
  #toEvent: (type: "put" | "delete", kv: IKeyValue) => E | undefined;
  #onEvent: (event: E) => void;
  #watcher: Watcher;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    client: Etcd3,
    prefix: string,
    what: string,
    revision: bigint,
    toEvent: (type: "put" | "delete", kv: IKeyValue) => E | undefined,
    onEvent: (event: E) => void,
  ) {
    this.#client = client;
    this.#prefix = prefix;
    this.#what = what;
    this.#toEvent = toEvent;
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
    let builder = this.#client.watch().prefix(this.#prefix);
    if (startRevision !== undefined) builder = builder.startRevision(String(startRevision));
    return builder.watcher()
      .on("put", (kv) => this.#deliver(this.#toEvent("put", kv)))
      .on("delete", (kv) => this.#deliver(this.#toEvent("delete", kv)))
      .on("error", (error) => this.#renew(error));
  }

  /** etcd cancelled the watch (e.g. its revision was compacted): watch again from now. */
  #renew(error: Error): void {
    if (this.#stopped) return;
    console.warn(`${this.#what} watch cancelled by etcd, watching again: ${error.message}`);
    this.#retry = setTimeout(() => {
      if (!this.#stopped) this.#watcher = this.#watch(undefined);
    }, 1_000);
  }

  #deliver(event: E | undefined): void {
    if (this.#stopped || event === undefined) return;
    try {
      this.#onEvent(event);
    } catch (error) {
      console.error(`${this.#what} watcher failed:`, error);
    }
  }
}

/** What a `_NodeRegistration` needs from its registry. */
interface _RegistrationOptions {
  client: Etcd3;
  key: string;
  value: string;
  id: string;
  ttlSeconds: number;
  /** The registry's `#call`: timeout, revision, `UnavailableError`. */
  call: <T extends { header: IResponseHeader }>(call: () => Promise<T>) => Promise<T>;
}

/**
 * One `registerNode` registration: the node's key under a lease kept alive by etcd3, put again
 * under a new lease whenever etcd3 reports the lease lost, until stopped.
 */
class _NodeRegistration {
  #options: _RegistrationOptions;
  #lease: Lease | undefined;
  #stopped = new AbortController();
  #started: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: _RegistrationOptions) {
    this.#options = options;
  }

  /** Registers the node once, then keeps it registered in the background. */
  start(): Promise<void> {
    this.#started ??= this.#register().then(({ lost }) => {
      this.#loop = this.#keep(lost);
    });
    return this.#started;
  }

  /**
   * Stops keeping the node registered and revokes its lease, giving up after `timeoutMs`
   * (the lease then expires by itself). Never rejects.
   */
  stop(timeoutMs: number): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopped.abort();
      await this.#started?.catch(() => {});
      await this.#loop;
      const lease = this.#lease;
      this.#lease = undefined;
      if (!lease) return;
      try {
        await _withTimeout(lease.revoke(), timeoutMs); // stops the keepalive first
      } catch (error) {
        lease.release();
        console.warn(
          `Cannot revoke the registry lease of node "${this.#options.id}", ` +
            `it will expire by itself: ${_message(error)}`,
        );
      }
    })();
    return this.#stopping;
  }

  /**
   * Puts the node under a new lease. Resolves, once the put succeeded, `lost`: a promise of the
   * error that makes the lease lost. Rejects with `UnavailableError` (releasing the lease) if
   * the put fails.
   */
  async #register(): Promise<{ lost: Promise<unknown> }> {
    const { client, key, value, ttlSeconds, call } = this.#options;
    const lease = client.lease(ttlSeconds);
    const lost = new Promise<unknown>((resolve) => lease.on("lost", resolve));
    this.#lease = lease;
    try {
      await call(() => lease.put(key).value(value).exec());
      return { lost };
    } catch (error) {
      this.#lease = undefined;
      // The grant may have succeeded: revoke in the background, else let the lease expire.
      lease.revoke().catch(() => {});
      throw error;
    }
  }

  /** Waits for the lease to be lost, then registers again with backoff; until stopped. */
  async #keep(lost: Promise<unknown>): Promise<void> {
    const { id } = this.#options;
    const signal = this.#stopped.signal;
    try {
      while (true) {
        const error = await Promise.race([lost, _aborted(signal)]);
        if (signal.aborted) return;
        this.#lease?.release();
        this.#lease = undefined;
        console.warn(
          `Node "${id}" lost its registry lease, registering again: ` +
            _lostReason(error, this.#options.ttlSeconds),
        );
        let backoff = REGISTER_BACKOFF_MS.first;
        let failures = 0;
        while (true) {
          await _sleep(backoff, signal);
          if (signal.aborted) return;
          try {
            ({ lost } = await this.#register());
            break;
          } catch (error) {
            if (failures++ === 0) {
              console.warn(`Cannot register node "${id}" again yet: ${_message(error)}`);
            }
            backoff = Math.min(backoff * 2, REGISTER_BACKOFF_MS.max);
          }
        }
        console.info(`Node "${id}" registered again after ${failures + 1} attempt(s)`);
      }
    } catch (error) {
      // Not expected: every failure above is caught. Never leave a rejection unhandled.
      console.error(`Registration of node "${id}" stopped:`, error);
    }
  }
}

/** `promise`, or a rejection after `ms` milliseconds. */
async function _withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms` milliseconds, or as soon as `signal` aborts. */
function _sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/** Resolves when `signal` aborts. */
function _aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}

function _message(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*Resolution note:\s*$/, "");
}

/** Why etcd3 reported a lease lost, in words (its own messages are garbled). */
function _lostReason(error: unknown, ttlSeconds: number): string {
  const message = _message(error);
  if (message.includes("We lost connection to etcd")) {
    return `etcd did not answer for more than twice its TTL (${ttlSeconds} s)`;
  }
  if (error instanceof EtcdLeaseInvalidError) return "etcd says it expired or was revoked";
  return message;
}

function _functionEvent(type: "put" | "delete", kv: IKeyValue): FunctionEvent | undefined {
  if (type === "delete") {
    return { type, name: kv.key.toString().slice(FUNCTION_PREFIX.length) };
  }
  const definition = _parseDefinition(kv.value.toString());
  return definition ? { type, definition } : undefined;
}

function _nodeEvent(type: "put" | "delete", kv: IKeyValue): NodeEvent | undefined {
  if (type === "delete") {
    const id = _nodeIdOf(kv.key.toString());
    return id === undefined ? undefined : { type, id };
  }
  const node = _parseNode(kv);
  return node ? { type, node } : undefined;
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
  const value = _parse(kv.value.toString());
  if (id === undefined || value?.Id !== id) return undefined;
  const { Url, Area, Cloud } = value;
  if (typeof Url !== "string" || typeof Area !== "string" || typeof Cloud !== "boolean") {
    return undefined;
  }
  return { Id: id, Url, Area, Cloud };
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

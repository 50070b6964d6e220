/**
 * Resilient watches of a key prefix: the function and membership watches of the etcd registry.
 *
 * @module
 */
import { EtcdInvalidAuthTokenError, type IKeyValue, type Namespace, type Watcher } from "etcd3";
import { withTimeout } from "../../timing/timeout.ts";
import { notify } from "../listeners.ts";
import type { EtcdConnection } from "./connection.ts";

/** Turns a change of a key into an event, or `undefined` for a key to ignore. */
export type ToEvent<E> = (type: "put" | "delete", kv: IKeyValue) => E | undefined;

/** Milliseconds before watching again after etcd cancelled a watch. */
const RENEW_MS = 1_000;

/**
 * The watches of one connection, started after the last revision it has seen (so a list
 * followed by a watch misses nothing), and stopped together when the registry closes.
 * Each survives etcd restarts: etcd3 reconnects it and replays the changes made meanwhile.
 * Each has a watch stream of its own (on the connection's HTTP/2 session), which it replaces
 * when etcd no longer accepts the auth token the stream was opened with.
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 * import { PrefixWatches } from "./prefix_watch.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * const watches = new PrefixWatches(connection);
 * const stop = watches.start(
 *   "/function/",
 *   "Function",
 *   (type, kv) => ({ type, key: kv.key.toString() }),
 *   (event) => console.log(event.type, event.key),
 * );
 * stop();
 * await watches.stopAll();
 * connection.close();
 * ```
 */
export class PrefixWatches {
  #connection: EtcdConnection;
  #watches = new Set<{ stop(): Promise<void> }>();

  /** @param connection where the watches run */
  constructor(connection: EtcdConnection) {
    this.#connection = connection;
  }

  /**
   * Calls `onEvent`, asynchronously and in order, with the event of every change under
   * `prefix` after the last revision the connection has seen; `what` names the watch in logs.
   * An exception thrown by `onEvent` is logged, not propagated. Returns the function that stops.
   */
  start<E>(
    prefix: string,
    what: string,
    toEvent: ToEvent<E>,
    onEvent: (event: E) => void,
  ): () => void {
    const connection = this.#connection;
    const watch = new _PrefixWatch(connection, prefix, what, connection.revision, toEvent, onEvent);
    this.#watches.add(watch);
    return () => {
      this.#watches.delete(watch);
      watch.stop();
    };
  }

  /** Stops every watch still running. */
  async stopAll(): Promise<void> {
    const watches = [...this.#watches];
    this.#watches.clear();
    await Promise.all(watches.map((watch) => watch.stop()));
  }
}

/**
 * One subscription: an etcd watch on a prefix (which etcd3 reconnects after etcd restarts,
 * resuming after the last revision it delivered), renewed if etcd cancels it.
 */
class _PrefixWatch<E> {
  #connection: EtcdConnection;
  /** Where the watch runs: a namespace of the whole key space, with a watch stream of its own. */
  #space: Namespace;
  #prefix: string;
  #what: string;
  #toEvent: ToEvent<E>;
  #onEvent: (event: E) => void;
  /** The etcd watch; `undefined` once etcd cancelled it, until it is renewed. */
  #watcher: Watcher | undefined;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    connection: EtcdConnection,
    prefix: string,
    what: string,
    revision: bigint,
    toEvent: ToEvent<E>,
    onEvent: (event: E) => void,
  ) {
    this.#connection = connection;
    this.#space = connection.client.namespace("");
    this.#prefix = prefix;
    this.#what = what;
    this.#toEvent = toEvent;
    this.#onEvent = onEvent;
    this.#watcher = this.#watch(revision > 0n ? revision + 1n : undefined);
  }

  /**
   * Stops delivering events and cancels the etcd watch, waiting at most the connection's
   * timeout (etcd3's cancel waits for etcd to confirm, which may never come when etcd refused
   * the watch while it was being created).
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#retry);
    const watcher = this.#watcher;
    this.#watcher = undefined;
    if (!watcher) return;
    const cancelling = watcher.cancel().catch(() => {});
    await withTimeout(cancelling, this.#connection.timeoutMs).catch(() => {});
  }

  #watch(startRevision: bigint | undefined): Watcher {
    let builder = this.#space.watch().prefix(this.#prefix);
    if (startRevision !== undefined) builder = builder.startRevision(String(startRevision));
    const watcher: Watcher = builder.watcher()
      .on("put", (kv) => this.#deliver(this.#toEvent("put", kv)))
      .on("delete", (kv) => this.#deliver(this.#toEvent("delete", kv)))
      .on("error", (error) => this.#renew(watcher, error));
    return watcher;
  }

  /**
   * etcd cancelled the watch, and etcd3 dropped it. Watch again, on a new stream: once etcd
   * refused a watch as it was created, etcd3 creates no other watch on that stream. When etcd
   * no longer accepts the stream's auth token (etcd restarted, or the token expired unused
   * before the stream reconnected), renew the token first and resume after the last revision
   * delivered; otherwise (e.g. the revision was compacted) watch from now.
   */
  #renew(cancelled: Watcher, error: Error): void {
    if (this.#stopped) return;
    this.#watcher = undefined;
    const staleToken = error instanceof EtcdInvalidAuthTokenError;
    if (!staleToken) {
      console.warn(`${this.#what} watch cancelled by etcd, watching again: ${error.message}`);
    }
    const from = staleToken ? cancelled.lastRevision() : null;
    this.#retry = setTimeout(async () => {
      try {
        if (staleToken) await this.#connection.renewAuthToken();
      } catch {
        return this.#renew(cancelled, error); // etcd unreachable: try again later
      }
      if (this.#stopped) return;
      this.#space = this.#connection.client.namespace("");
      this.#watcher = this.#watch(from === null ? undefined : BigInt(from));
    }, RENEW_MS);
  }

  #deliver(event: E | undefined): void {
    if (this.#stopped || event === undefined) return;
    notify(this.#onEvent, event, this.#what);
  }
}

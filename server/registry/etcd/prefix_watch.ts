/**
 * Resilient watches of a key prefix: the function and membership watches of the etcd registry.
 *
 * @module
 */
import type { Etcd3, IKeyValue, Watcher } from "etcd3";
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
    const { client, revision } = this.#connection;
    const watch = new _PrefixWatch(client, prefix, what, revision, toEvent, onEvent);
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
  #client: Etcd3;
  #prefix: string;
  #what: string;
  #toEvent: ToEvent<E>;
  #onEvent: (event: E) => void;
  #watcher: Watcher;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    client: Etcd3,
    prefix: string,
    what: string,
    revision: bigint,
    toEvent: ToEvent<E>,
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
    }, RENEW_MS);
  }

  #deliver(event: E | undefined): void {
    if (this.#stopped || event === undefined) return;
    notify(this.#onEvent, event, this.#what);
  }
}

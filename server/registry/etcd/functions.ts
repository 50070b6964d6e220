/**
 * Function definitions in etcd: the JSON of each definition under `/function/<name>`, and the
 * write fences under `/write-fence/<uuid>` that settle writes a timeout left unknown.
 *
 * @module
 */
import type { IKeyValue, IOperation } from "etcd3";
import type { FunctionDefinition } from "../../../protocol/function.ts";
import type { FunctionEvent, FunctionRegistry, StoredDefinition } from "../function_registry.ts";
import { OutcomeUnknownError, UnavailableError } from "../../errors.ts";
import { backoffDelay } from "../../timing/backoff.ts";
import { sleep } from "../../timing/sleep.ts";
import { type EtcdConnection, mayHaveReachedEtcd } from "./connection.ts";
import { parseJsonObject } from "./json_object.ts";
import type { PrefixWatches } from "./prefix_watch.ts";
import { FUNCTION_PREFIX, keyUnder, WRITE_FENCE_PREFIX } from "./key_prefixes.ts";

/** Seconds a fence is kept: far longer than a write stays on its way once etcd answers. */
const FENCE_TTL_S = 600;

/** Milliseconds between attempts to settle a write, first and at most. */
const SETTLE_BACKOFF_MS = { firstMs: 100, maxMs: 1_000 };

/**
 * {@linkcode FunctionRegistry} on etcd: creates, updates and deletes are transactions on the
 * key's existence, so two nodes creating the same name cannot both succeed. Each also requires
 * a fence key of its own to be absent: when its call times out (or its connection breaks), the
 * registry puts the fence and reads the function in one transaction, which tells whether the
 * write was applied and stops it from applying later; when etcd does not answer that either,
 * the write fails with `OutcomeUnknownError`, never with a failure that may be untrue.
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 * import { EtcdFunctionRegistry } from "./functions.ts";
 * import { PrefixWatches } from "./prefix_watch.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * const functions = new EtcdFunctionRegistry(connection, new PrefixWatches(connection));
 * console.log(await functions.list());
 * connection.close();
 * ```
 */
export class EtcdFunctionRegistry implements FunctionRegistry {
  #connection: EtcdConnection;
  #watches: PrefixWatches;

  /**
   * @param connection where definitions are stored
   * @param watches where {@linkcode EtcdFunctionRegistry.watch} starts its watches
   */
  constructor(connection: EtcdConnection, watches: PrefixWatches) {
    this.#connection = connection;
    this.#watches = watches;
  }

  /** Stores `definition` unless a function of that name exists (one transaction). */
  create(definition: FunctionDefinition): Promise<boolean> {
    return this.#put(definition, "==", (current) => current !== undefined);
  }

  /** Replaces the stored definition of `definition.Name`, if any (one transaction). */
  update(definition: FunctionDefinition): Promise<boolean> {
    return this.#put(definition, ">", (current) => current === undefined);
  }

  /** Removes the definition named `name`, if any (one transaction). */
  delete(name: string): Promise<boolean> {
    return this.#write({
      name,
      verb: "deleted",
      condition: ">",
      op: (key) => this.#connection.client.delete().key(key),
      applied: (current) => current === undefined,
      refused: () => false,
    });
  }

  /**
   * Every stored definition, ordered by name, as read (a Go node's lacks fields of ours); values
   * that are not JSON objects with a string `Name` are skipped.
   */
  async list(): Promise<StoredDefinition[]> {
    const range = this.#connection.client.getAll().prefix(FUNCTION_PREFIX).sort("Key", "Ascend");
    const result = await this.#connection.call(() => range.exec());
    return result.kvs.flatMap((kv) => _parseDefinition(kv.value.toString()) ?? []);
  }

  /**
   * Calls `onEvent`, asynchronously and in order, for every change to `/function/` by any
   * node, starting after the last revision this registry has seen (so a `list` followed by
   * `watch` misses nothing). Reconnects after etcd restarts, replaying the changes made
   * meanwhile. An exception thrown by `onEvent` is logged, not propagated.
   */
  watch(onEvent: (event: FunctionEvent) => void): () => void {
    return this.#watches.start(FUNCTION_PREFIX, "Function", _functionEvent, onEvent);
  }

  /**
   * Puts `definition` if its key's create revision compares to 0 as `condition` says (`==`:
   * create, `>`: update); `refused` tells from the stored definition whether the condition
   * failed.
   */
  #put(
    definition: FunctionDefinition,
    condition: "==" | ">",
    refused: _Change["refused"],
  ): Promise<boolean> {
    return this.#write({
      name: definition.Name,
      verb: condition === "==" ? "created" : "updated",
      condition,
      op: (key) => this.#connection.client.put(key).value(JSON.stringify(definition)),
      applied: (current) => current?.Version === definition.Version,
      refused,
    });
  }

  /**
   * Runs `change` as one transaction, guarded by a fence key of its own that does not exist
   * yet. When the call fails in a way that may have reached etcd, the outcome is settled by
   * {@linkcode EtcdFunctionRegistry.#settle}.
   */
  async #write(change: _Change): Promise<boolean> {
    const key = keyUnder(FUNCTION_PREFIX, change.name, "Function name");
    const fence = WRITE_FENCE_PREFIX + crypto.randomUUID();
    const { client } = this.#connection;
    const transaction = client.if(fence, "Create", "==", 0)
      .and(key, "Create", change.condition, 0)
      .then(change.op(key));
    try {
      return (await this.#connection.call(() => transaction.commit())).succeeded;
    } catch (error) {
      if (!mayHaveReachedEtcd(error)) throw error;
      return await this.#settle(change, key, fence, error as Error);
    }
  }

  /**
   * Tells whether a write whose call failed was applied: puts its fence (so that the write,
   * if it is still on its way, can no longer apply) and reads the function in the same
   * transaction, trying again until etcd answers or another timeout has passed. Resolves as
   * the write would have; throws `UnavailableError` when it was not applied and
   * `OutcomeUnknownError` when etcd did not answer. A delete settles as applied when the
   * function is gone, whoever removed it.
   */
  async #settle(change: _Change, key: string, fence: string, error: Error): Promise<boolean> {
    const deadline = Date.now() + this.#connection.timeoutMs;
    for (let retry = 0; Date.now() < deadline; retry++) {
      const read = await this.#fenceAndRead(key, fence, change.verb).then(
        (current) => ({ current }),
        () => undefined,
      );
      if (!read) {
        await sleep(
          Math.max(0, Math.min(backoffDelay(retry, SETTLE_BACKOFF_MS), deadline - Date.now())),
        );
        continue;
      }
      if (change.applied(read.current)) return true;
      if (change.refused(read.current)) return false;
      throw new UnavailableError(
        `Function "${change.name}" was not ${change.verb}: ${error.message} (nothing was ` +
          "changed, so it is safe to retry)",
        { cause: error },
      );
    }
    throw new OutcomeUnknownError(
      `Registry "etcd" at "${this.#connection.address}" did not answer in time, so function ` +
        `"${change.name}" may or may not have been ${change.verb}: check with GET ` +
        "/function?details=true (its Version) before you retry",
      { cause: error },
    );
  }

  /**
   * Puts `fence` (under a lease of {@linkcode FENCE_TTL_S}) unless it exists, and reads the
   * definition under `key` in the same transaction.
   */
  async #fenceAndRead(
    key: string,
    fence: string,
    verb: string,
  ): Promise<StoredDefinition | undefined> {
    const { client } = this.#connection;
    const lease = await this.#connection.grantLease(FENCE_TTL_S);
    const result = await this.#connection.call(() =>
      client.if(fence, "Create", "==", 0)
        .then(client.put(fence).value(verb).lease(lease), client.get(key))
        .else(client.get(key))
        .commit()
    );
    const kvs = result.responses[result.succeeded ? 1 : 0]?.response_range?.kvs ?? [];
    return kvs.length > 0 ? _parseDefinition(kvs[0].value.toString()) : undefined;
  }
}

/** One write of a function definition, and how to tell from the stored one how it went. */
interface _Change {
  /** The function's name. */
  name: string;
  /** Past participle for messages: `created`, `updated`, `deleted`. */
  verb: string;
  /** How the key's create revision must compare to 0 for the write (`==`: absent). */
  condition: "==" | ">";
  /** The operation on the key. */
  op: (key: string) => IOperation;
  /** Whether the stored definition (`undefined`: none) shows the write applied. */
  applied: (current: StoredDefinition | undefined) => boolean;
  /** Whether the stored definition shows the write refused by its condition. */
  refused: (current: StoredDefinition | undefined) => boolean;
}

function _functionEvent(type: "put" | "delete", kv: IKeyValue): FunctionEvent | undefined {
  if (type === "delete") {
    return { type, name: kv.key.toString().slice(FUNCTION_PREFIX.length) };
  }
  const definition = _parseDefinition(kv.value.toString());
  return definition ? { type, definition } : undefined;
}

function _parseDefinition(json: string): StoredDefinition | undefined {
  const value = parseJsonObject(json);
  return typeof value?.Name === "string" ? value as StoredDefinition : undefined;
}

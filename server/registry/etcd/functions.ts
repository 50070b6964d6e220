/**
 * Function definitions in etcd: the JSON of each definition under `/function/<name>`.
 *
 * @module
 */
import type { IKeyValue } from "etcd3";
import type { FunctionDefinition } from "../../../protocol/function.ts";
import type { FunctionEvent, FunctionRegistry } from "../function_registry.ts";
import type { EtcdConnection } from "./connection.ts";
import { parseJsonObject } from "./json_object.ts";
import type { PrefixWatches } from "./prefix_watch.ts";

/** Key prefix of function definitions. */
export const FUNCTION_PREFIX = "/function/";

/**
 * {@linkcode FunctionRegistry} on etcd: creates and updates are transactions on the key's
 * existence, so two nodes creating the same name cannot both succeed.
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
    return this.#putIf(definition, "==");
  }

  /** Replaces the stored definition of `definition.Name`, if any (one transaction). */
  update(definition: FunctionDefinition): Promise<boolean> {
    return this.#putIf(definition, ">");
  }

  /** Removes the definition named `name`, if any. */
  async delete(name: string): Promise<boolean> {
    const key = _functionKey(name);
    const { client } = this.#connection;
    const result = await this.#connection.call(() => client.delete().key(key).exec());
    return Number(result.deleted) > 0;
  }

  /** Every stored definition, ordered by name; values that are not definitions are skipped. */
  async list(): Promise<FunctionDefinition[]> {
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

  /** Puts `definition` if its key's create revision compares to 0 as `compare` says. */
  async #putIf(definition: FunctionDefinition, compare: "==" | ">"): Promise<boolean> {
    const key = _functionKey(definition.Name);
    const { client } = this.#connection;
    const put = client.put(key).value(JSON.stringify(definition));
    const result = await this.#connection.call(() =>
      client.if(key, "Create", compare, 0).then(put).commit()
    );
    return result.succeeded;
  }
}

function _functionEvent(type: "put" | "delete", kv: IKeyValue): FunctionEvent | undefined {
  if (type === "delete") {
    return { type, name: kv.key.toString().slice(FUNCTION_PREFIX.length) };
  }
  const definition = _parseDefinition(kv.value.toString());
  return definition ? { type, definition } : undefined;
}

function _functionKey(name: string): string {
  if (typeof name !== "string" || name.length === 0 || name.includes("/")) {
    throw new TypeError(`Function name "${name}" is invalid: it must be non-empty, without "/"`);
  }
  return FUNCTION_PREFIX + name;
}

function _parseDefinition(json: string): FunctionDefinition | undefined {
  const value = parseJsonObject(json);
  return typeof value?.Name === "string" ? value as unknown as FunctionDefinition : undefined;
}

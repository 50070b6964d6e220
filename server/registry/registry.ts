/**
 * The registry: where function definitions and async reports live. Two backends implement
 * {@linkcode Registry}: embedded (Deno KV file, the default) and etcd (shared by a deployment).
 *
 * @module
 */
import type { FunctionDefinition } from "../functions/function.ts";

/** A change to the stored function definitions, as seen by {@linkcode Registry.watchFunctions}. */
export type FunctionEvent =
  | { type: "put"; definition: FunctionDefinition }
  | { type: "delete"; name: string };

/** What is stored under an async request id: pending until the report exists. */
export type AsyncEntry =
  | { Status: "pending"; Node: string; Function: string; Since: number }
  | { Status: "done"; Node: string; Function: string; Report: Record<string, unknown> };

/** Storage shared by the node's services. Every method may throw `UnavailableError`. */
export interface Registry {
  /** Human-readable backend name for status pages, e.g. `embedded` or `etcd`. */
  readonly kind: string;
  /** Stores a new definition; resolves `false` (and stores nothing) when the name exists. */
  createFunction(definition: FunctionDefinition): Promise<boolean>;
  /** Replaces an existing definition; resolves `false` when there is none. */
  updateFunction(definition: FunctionDefinition): Promise<boolean>;
  /** Removes a definition; resolves `false` when there was none. */
  deleteFunction(name: string): Promise<boolean>;
  /** Every stored definition. */
  listFunctions(): Promise<FunctionDefinition[]>;
  /**
   * Calls `onEvent` for every change made after this call, by this node or any other.
   * Returns a function that stops watching.
   */
  watchFunctions(onEvent: (event: FunctionEvent) => void): () => void;
  /** Stores an async entry under `reqId`, expiring after `ttlSeconds`. */
  putAsync(reqId: string, entry: AsyncEntry, ttlSeconds: number): Promise<void>;
  /** The entry stored under `reqId`, or `undefined`. */
  getAsync(reqId: string): Promise<AsyncEntry | undefined>;
  /** Ids of the pending entries started by `node` (to settle them after a restart). */
  listPendingAsync(node: string): Promise<string[]>;
  /** Releases connections and watches. */
  close(): Promise<void>;
}

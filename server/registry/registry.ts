/**
 * The registry: where function definitions, async reports and the nodes of the deployment
 * live. Two backends implement {@linkcode Registry}: embedded (Deno KV file, the default) and
 * etcd (shared by a deployment).
 *
 * @module
 */
import type { FunctionDefinition } from "../../protocol/function.ts";

/** A change to the stored function definitions, as seen by {@linkcode Registry.watchFunctions}. */
export type FunctionEvent =
  | { type: "put"; definition: FunctionDefinition }
  | { type: "delete"; name: string };

/** What is stored under an async request id: pending until the report exists. */
export type AsyncEntry =
  | { Status: "pending"; Node: string; Function: string; Since: number }
  | { Status: "done"; Node: string; Function: string; Report: Record<string, unknown> };

/** A node of the deployment as it registers itself. */
export interface NodeRecord {
  /** Node id (unique in the deployment). */
  Id: string;
  /** Base URL of its HTTP API, e.g. `http://127.0.0.1:1323`. */
  Url: string;
  /** Its `registry.area`. */
  Area: string;
  /** Whether it is a cloud node. */
  Cloud: boolean;
}

/** A change of membership, as seen by {@linkcode Registry.watchNodes}. */
export type NodeEvent =
  | { type: "put"; node: NodeRecord }
  | { type: "delete"; id: string };

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
  /**
   * Registers `node` under a lease of `ttlSeconds`, kept alive until the returned function is
   * called (which revokes the lease, so the node disappears at once). When the lease is lost
   * (etcd restarted or unreachable longer than the TTL) the node registers again as soon as it can.
   */
  registerNode(node: NodeRecord, ttlSeconds: number): Promise<() => Promise<void>>;
  /** Every registered node (this one included). */
  listNodes(): Promise<NodeRecord[]>;
  /** Calls `onEvent` for every membership change after this call; returns a function that stops. */
  watchNodes(onEvent: (event: NodeEvent) => void): () => void;
  /** Releases connections and watches, and stops keeping registered nodes alive. */
  close(): Promise<void>;
}

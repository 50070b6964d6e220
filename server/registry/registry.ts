/**
 * The registry: where function definitions, async reports and the nodes of the deployment
 * live, one {@linkcode FunctionRegistry}, {@linkcode AsyncReportStore} and
 * {@linkcode MembershipRegistry} on one store. Two backends implement {@linkcode Registry}:
 * embedded (Deno KV file, the default) and etcd (shared by a deployment).
 *
 * @module
 */
import type { AsyncReportStore } from "./async_report_store.ts";
import type { FunctionRegistry } from "./function_registry.ts";
import type { MembershipRegistry } from "./membership_registry.ts";

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

/** Storage shared by the node's services, one part per concern, on one backend. */
export interface Registry {
  /** Human-readable backend name for status pages, e.g. `embedded` or `etcd`. */
  readonly kind: string;
  /** Function definitions. */
  readonly functions: FunctionRegistry;
  /** Async requests and their reports. */
  readonly async: AsyncReportStore;
  /** The nodes of the deployment. */
  readonly nodes: MembershipRegistry;
  /** Releases connections and watches, and stops keeping registered nodes alive. */
  close(): Promise<void>;
}

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
import type { WorkflowRegistry } from "./workflow_registry.ts";
import type { WorkflowRunStore } from "./workflow_run_store.ts";

/** Storage shared by the node's services, one part per concern, on one backend. */
export interface Registry {
  /** Human-readable backend name for status pages, e.g. `embedded` or `etcd`. */
  readonly kind: string;
  /** Function definitions. */
  readonly functions: FunctionRegistry;
  /** Workflow definitions. */
  readonly workflows: WorkflowRegistry;
  /** Durable async workflow runs. */
  readonly workflowRuns: WorkflowRunStore;
  /** Async requests and their reports. */
  readonly async: AsyncReportStore;
  /** The nodes of the deployment. */
  readonly nodes: MembershipRegistry;
  /** Releases connections and watches, and stops keeping registered nodes alive. */
  close(): Promise<void>;
}

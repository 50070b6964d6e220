/**
 * What the route handlers need from the node, gathered in one object.
 *
 * @module
 */
import type { CodeChecker } from "../functions/code_checker.ts";
import type { DefinitionLimits } from "../functions/parse_definition.ts";
import type { FunctionStore } from "../functions/store.ts";
import type { AsyncRequests } from "../invoke/async_requests.ts";
import type { ClusterView } from "../cluster/cluster_view.ts";
import type { Dispatcher } from "../invoke/dispatcher.ts";
import type { Telemetry } from "../metrics/telemetry.ts";
import type { ContainerPool } from "../pool/pool.ts";
import type { WorkflowRunner } from "../workflows/runner.ts";
import type { WorkflowStore } from "../workflows/store.ts";

/** Identity of the node, as `/status` shows it. */
export interface NodeIdentity {
  /** Node id (also the container label). */
  id: string;
  /** Registry area. */
  area: string;
  /** Whether this is a cloud node. */
  cloud: boolean;
  /** URL other nodes reach it at. */
  url: string;
  /** Scheduling policy. */
  policy: string;
  /** Registry backend (`embedded` or `etcd`). */
  registry: string;
  /** When the node started (ms since epoch). */
  startedAt: number;
}

/** The services behind the HTTP API. */
export interface NodeServices {
  /** Who this node is. */
  identity: NodeIdentity;
  /** Function definitions. */
  store: FunctionStore;
  /** Checks the code of create and update bodies, off the main thread. */
  checker: CodeChecker;
  /** Containers. */
  pool: ContainerPool;
  /** Scheduling and execution, here or elsewhere. */
  dispatcher: Dispatcher;
  /** Other nodes of the deployment. */
  cluster: ClusterView;
  /** Async requests and their reports. */
  asyncRequests: AsyncRequests;
  /** Workflow definitions. */
  workflows: WorkflowStore;
  /** Runs workflows (sync, async and resumed). */
  workflowRunner: WorkflowRunner;
  /** Counters, metrics and live events. */
  telemetry: Telemetry;
  /** Limits create/update bodies are checked against. */
  limits: DefinitionLimits;
}

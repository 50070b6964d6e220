/**
 * The node's JSON shapes as the dashboard reads them (`GET /status`, `/events`, `/runtimes`,
 * `/function?details=true`, `/invoke`). Field names are the node's (PascalCase, as Serverledge).
 *
 * Shapes the node defines itself are re-exported from its modules (type-only: nothing of the
 * server reaches the bundle), so the two sides cannot drift apart.
 *
 * @module
 */
import type { LoadReport } from "../../server/cluster/peer.ts";
import type { PoolStats } from "../../server/pool/pool.ts";

export type { FunctionOccupancy, PoolStats } from "../../server/pool/pool.ts";
export type { ExecutionReport } from "../../server/invoke/report.ts";
export type { InvocationRequest as InvokeBody } from "../../server/invoke/request.ts";

/** Cumulative request counters since the node started. */
export interface InvocationCounts {
  /** Requests that ran and succeeded (here or elsewhere). */
  Success: number;
  /** Requests that ran and failed. */
  Failure: number;
  /** Requests refused for lack of capacity. */
  Dropped: number;
  /** Cold starts on this node. */
  ColdStarts: number;
  /** Requests run on this node (received ones included). */
  Local: number;
  /** Requests offloaded to edge neighbours. */
  OffloadedEdge: number;
  /** Requests offloaded to cloud nodes. */
  OffloadedCloud: number;
  /** Requests other nodes offloaded to this one. */
  Received: number;
}

/** Another node as this node last saw it. */
export interface Neighbour {
  /** Node id. */
  Id: string;
  /** Its URL. */
  Url: string;
  /** Its area. */
  Area: string;
  /** Whether it is a cloud node. */
  Cloud: boolean;
  /** Whether its last poll answered. */
  Reachable: boolean;
  /** Round-trip time of the last poll, in ms. */
  LatencyMs: number | null;
  /** When it was last polled (ISO date). */
  LastUpdate: string | null;
  /** Its free pool memory, in MB. */
  AvailableMemMB: number | null;
  /** Its free pool CPUs. */
  AvailableCPUs: number | null;
  /** Its load averages (1, 5, 15 min). */
  LoadAvg: number[] | null;
  /** Its idle warm containers per function. */
  AvailableWarmContainers: Record<string, number>;
  /** Requests this node offloaded to it (cumulative). */
  Sent: number;
  /** Requests it offloaded to this node (cumulative). */
  Received: number;
}

/** `GET /status` (and the `status` event of `/events`): the node's `/load` fields and more. */
export interface NodeStatus extends LoadReport {
  /** Scheduling policy. */
  Policy: string;
  /** Registry backend: `embedded` or `etcd`. */
  Registry: string;
  /** Seconds since the node started. */
  UptimeSeconds: number;
  /** Busy containers per function. */
  BusyContainers: Record<string, number>;
  /** Requests dropped so far. */
  DropCount: number;
  /** Machine memory, in MB. */
  TotalMemory: number;
  /** Machine memory available, in MB. */
  AvailableMemory: number;
  /** Machine memory free, in MB. */
  FreeMemory: number;
  /** Machine CPUs. */
  TotalCPU: number;
  /** CPUs given to containers. */
  UsedCPU: number;
  /** Seconds since the epoch of this status. */
  LastUpdateTime: number;
  /** The container pool. */
  Pool: PoolStats;
  /** Number of functions. */
  Functions: number;
  /** Cumulative request counters. */
  Invocations: InvocationCounts;
  /** Neighbours and cloud nodes. */
  Neighbours: Neighbour[];
}

/** The `invocation` event of `/events`: one finished (or dropped) request. */
export interface InvocationEvent {
  /** Function name. */
  Function: string;
  /** Whether it succeeded. */
  Success: boolean;
  /** `""` run here, `"O"` offloaded, `"D"` dropped. */
  SchedAction: string;
  /** Node that ran it. */
  ExecutedOn?: string;
  /** Seconds from arrival to answer. */
  ResponseTime?: number;
  /** Whether a warm container served it. */
  IsWarmStart?: boolean;
  /** Why it failed. */
  Error?: string;
  /** When it finished (ms since the epoch). */
  Time: number;
}

/** One runtime of `GET /runtimes`. */
export interface RuntimeInfo {
  /** Canonical name, e.g. `python311`. */
  Name: string;
  /** Other accepted names. */
  Aliases: string[];
  /** Language and version, e.g. `Python 3.11`. */
  Language: string;
  /** How a handler is written. */
  HandlerFormat: string;
  /** Whether a container may serve several requests at once. */
  Concurrent: boolean;
}

/** A function definition as `GET /function?details=true` lists it (without code). */
export interface FunctionInfo {
  /** Name. */
  Name: string;
  /** Runtime. */
  Runtime: string;
  /** Memory per container, in MB. */
  MemoryMB: number;
  /** CPUs per container (0 = no limit). */
  CPUDemand?: number;
  /** Handler. */
  Handler: string;
  /** Image of a `custom` function. */
  CustomImage?: string;
  /** Requests one container may serve at once. */
  MaxConcurrency?: number;
  /** Timeout in seconds. */
  Timeout?: number;
}

/** The body of `POST /create` and `POST /update`. */
export interface FunctionDefinitionBody {
  /** Name. */
  Name: string;
  /** Runtime. */
  Runtime: string;
  /** Memory per container, in MB. */
  MemoryMB: number;
  /** CPUs per container. */
  CPUDemand?: number;
  /** Handler. */
  Handler: string;
  /** Base64 tar of the code. */
  TarFunctionCode: string;
  /** Image of a `custom` function. */
  CustomImage?: string;
  /** Requests one container may serve at once. */
  MaxConcurrency?: number;
  /** Timeout in seconds. */
  Timeout?: number;
}

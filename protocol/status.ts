/**
 * A node's state on the wire: the compact load other nodes poll at `GET /load`, and the full
 * status of `GET /status` (Serverledge's fields, plus pool occupancy, counters and neighbours),
 * which is also the `status` event of `GET /events`. Every field name is PascalCase.
 *
 * @module
 */

/** The compact load a node answers at `GET /load` (polled by its neighbours). */
export interface LoadReport {
  /** Node id. */
  Id: string;
  /** Base URL of its API. */
  Url: string;
  /** Its area. */
  Area: string;
  /** Whether it is a cloud node. */
  Cloud: boolean;
  /** Pool memory not held by containers, MB. */
  AvailableMemMB: number;
  /** Pool CPUs not reserved by running invocations. */
  AvailableCPUs: number;
  /** Idle warm containers per function. */
  AvailableWarmContainers: Record<string, number>;
  /** 1, 5 and 15 minute load averages. */
  LoadAvg: number[];
}

/** Occupancy of one function's containers. */
export interface FunctionOccupancy {
  /** Containers ready and serving nothing. */
  Idle: number;
  /** Containers serving at least one invocation. */
  Busy: number;
  /** Containers being started. */
  Starting: number;
  /** Requests waiting in the function's queue for a slot. */
  Waiting: number;
  /** Memory held by this function's containers, MB. */
  MemoryMB: number;
}

/** The container pool's figures. */
export interface PoolStatus {
  /** Capacity in MB. */
  MemoryMB: number;
  /** Memory held by containers (running or starting), MB. */
  UsedMemoryMB: number;
  /** CPU capacity. */
  Cpus: number;
  /** CPUs reserved by running invocations. */
  UsedCpus: number;
  /** Blank containers ready for a cold start (their memory is in `UsedMemoryMB`). */
  Blank: number;
  /** Per function name. */
  Functions: Record<string, FunctionOccupancy>;
}

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
export interface NeighbourStatus {
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
  /** Smoothed round-trip time of its polls, in ms. */
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
  /** Whether the registry answered lately (always true for the embedded one). */
  RegistryConnected: boolean;
  /** Seconds since the node started. */
  UptimeSeconds: number;
  /** Busy containers per function. */
  BusyContainers: Record<string, number>;
  /** Requests dropped so far (Serverledge's field). */
  DropCount: number;
  /** Machine memory, in MB. */
  TotalMemory: number;
  /** Machine memory available, in MB. */
  AvailableMemory: number;
  /** Machine memory free, in MB. */
  FreeMemory: number;
  /** Machine CPUs. */
  TotalCPU: number;
  /** CPUs given to running invocations. */
  UsedCPU: number;
  /** Seconds since the epoch of this status. */
  LastUpdateTime: number;
  /** The container pool. */
  Pool: PoolStatus;
  /** Number of functions. */
  Functions: number;
  /** Cumulative request counters. */
  Invocations: InvocationCounts;
  /** Neighbours and cloud nodes. */
  Neighbours: NeighbourStatus[];
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

/**
 * What a Go Serverledge node answers at `GET /status` (it has no `/load`), as far as its
 * releases agree: grussorusso/serverledge sends `Url`, `AvailableWarmContainers`,
 * `AvailableMemMB`, `AvailableCPUs`, `DropCount` and Vivaldi `Coordinates`;
 * serverledge-faas/serverledge adds `LoadAvg` (and `UsedMemMB` in some releases), and not
 * always `Url` nor `DropCount`. Every field may be missing.
 */
export interface GoNodeStatus {
  /** Base URL of its API, as the node sees itself. */
  Url?: string;
  /** Idle warm containers per function. */
  AvailableWarmContainers?: Record<string, number>;
  /** Memory not held by containers, MB (Go's `int64`). */
  AvailableMemMB?: number;
  /** CPUs not reserved by running requests (Go's `float64`). */
  AvailableCPUs?: number;
  /** Requests dropped so far. */
  DropCount?: number;
  /** Memory held by containers, MB (serverledge-faas). */
  UsedMemMB?: number;
  /** 1, 5 and 15 minute load averages; `-1` each when unknown (serverledge-faas). */
  LoadAvg?: number[];
  /** Its Vivaldi network coordinates. */
  Coordinates?: VivaldiCoordinate;
}

/**
 * A Vivaldi network coordinate as Go Serverledge sends it (hexablock/vivaldi's `Coordinate`):
 * seconds, in 3 dimensions on Go's nodes, which refuse a coordinate of another dimension.
 */
export interface VivaldiCoordinate {
  /** The Euclidean part, one figure per dimension. */
  Vec: number[];
  /** Confidence in the coordinate (dimensionless; 1.5 before any observation). */
  Error: number;
  /** Distance offset from recent observations. */
  Adjustment: number;
  /** Non-Euclidean offset of the node's access link (at least 1e-5). */
  Height: number;
}

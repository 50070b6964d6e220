/**
 * What a node knows about another node of the deployment: its record and its last known load.
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

/** A known node with its last known load. */
export interface Peer {
  /** Node id (for a static `cloud.server.url` not yet reached, the URL). */
  id: string;
  /** Base URL of its API. */
  url: string;
  /** Its area. */
  area: string;
  /** Whether it is a cloud node. */
  cloud: boolean;
  /** Last load report, `undefined` until it answered once. */
  load?: LoadReport;
  /** Smoothed round-trip time of status polls, ms (`undefined` until measured). */
  latencyMs?: number;
  /** When the last poll answered (ms since epoch), 0 if never. */
  updatedAt: number;
  /** Whether the last poll answered. */
  reachable: boolean;
}

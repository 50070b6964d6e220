/**
 * What a node knows about another node of the deployment: its record and its last known load.
 *
 * @module
 */
import type { PeerLoad } from "./load_poll.ts";

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
  load?: PeerLoad;
  /** Smoothed round-trip time of status polls, ms (`undefined` until measured). */
  latencyMs?: number;
  /** When the last poll answered (ms since epoch), 0 if never. */
  updatedAt: number;
  /** Whether the last poll answered. */
  reachable: boolean;
}

/**
 * Invocation counters of a node: outcomes, where requests ran (here, offloaded to an edge
 * neighbour or to the cloud, received from others, dropped), per peer. Shown in `/status`.
 *
 * @module
 */

/** Where a request was served from this node's point of view. */
export type Placement = "local" | "edge" | "cloud";

/** Requests exchanged with one peer. */
export interface PeerTraffic {
  /** Requests this node offloaded to the peer. */
  sent: number;
  /** Requests the peer offloaded to this node. */
  received: number;
}

/** Running totals since the node started. */
export class InvocationCounters {
  /** Invocations that ran (here or elsewhere) and succeeded. */
  success = 0;
  /** Invocations that ran and failed (error, timeout, crash). */
  failure = 0;
  /** Requests refused for lack of capacity anywhere (Serverledge's `DropCount`). */
  dropped = 0;
  /** Cold starts on this node. */
  coldStarts = 0;
  /** Requests run on this node (received ones included). */
  local = 0;
  /** Requests offloaded to edge neighbours. */
  offloadedEdge = 0;
  /** Requests offloaded to cloud nodes. */
  offloadedCloud = 0;
  /** Requests other nodes offloaded to this one. */
  received = 0;
  /** Traffic per peer id. */
  readonly peers = new Map<string, PeerTraffic>();

  /** Counts a request that ran and produced a report. */
  ran(placement: Placement, success: boolean, coldStart: boolean, peer?: string): void {
    if (success) this.success++;
    else this.failure++;
    if (placement === "local") {
      this.local++;
      if (coldStart) this.coldStarts++;
    } else {
      if (placement === "edge") this.offloadedEdge++;
      else this.offloadedCloud++;
      if (peer) this.#peer(peer).sent++;
    }
  }

  /** Counts a request refused for lack of capacity. */
  drop(): void {
    this.dropped++;
  }

  /** Counts a request another node offloaded to this one. */
  receive(from: string): void {
    this.received++;
    this.#peer(from).received++;
  }

  #peer(id: string): PeerTraffic {
    let traffic = this.peers.get(id);
    if (!traffic) this.peers.set(id, traffic = { sent: 0, received: 0 });
    return traffic;
  }
}

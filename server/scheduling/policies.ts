/**
 * Scheduling policies: given the request, the local pool and what is known of the other nodes,
 * an ordered plan of where to try the request. Pure functions, no I/O, no clock of their own.
 *
 * @module
 */
import type { SchedulingPolicyName } from "../../protocol/policies.ts";
import type { Peer } from "../cluster/peer.ts";
import { QOS_CLASSES } from "../../protocol/qos.ts";

/** One place a request may run. */
export type Target =
  | { kind: "local" }
  | { kind: "edge" | "cloud"; peer: Peer };

/** Everything a policy decides on. */
export interface SchedulingInput {
  /** The configured policy. */
  policy: SchedulingPolicyName;
  /** Whether this node is a cloud node. */
  isCloud: boolean;
  /** Whether the request may run elsewhere (false also for requests offloaded to us). */
  canOffload: boolean;
  /** QoS class number (see {@linkcode QOS_CLASSES}). */
  qosClass: number;
  /** Maximum response time in seconds; 0 or less means none. */
  maxResponseTime: number;
  /** The function. */
  fn: { name: string; memoryMB: number };
  /**
   * The local pool: a slot is free now; the expected seconds until one serves the request (a
   * cold start included, Infinity when none will); whether the pool would take it (its queue
   * has room and the expected wait is within what the request may wait).
   */
  local: { free: boolean; wait: number; accepts: boolean };
  /** Usable edge neighbours of this node's area (fresh and reachable). */
  neighbours: Peer[];
  /** Usable cloud nodes. */
  clouds: Peer[];
  /** Expected seconds of the function's run and of a cold start. */
  estimate: { duration: number; coldStart: number };
}

/** The ordered targets to try; an empty plan means the request is dropped. */
export function plan(input: SchedulingInput): Target[] {
  const local: Target = { kind: "local" };
  if (!input.canOffload || input.policy === "localonly") return [local];
  const clouds = byLatency(input.clouds).map((peer): Target => ({ kind: "cloud", peer }));
  switch (input.policy) {
    case "default":
      if (clouds.length === 0) return [local];
      return input.local.accepts ? [local, ...clouds] : [...clouds, local];
    case "cloudonly":
      return input.isCloud ? [local] : clouds;
    case "edgeonly": {
      const edges = rankEdges(input.neighbours, input.fn).map((peer): Target => ({
        kind: "edge",
        peer,
      }));
      if (edges.length === 0) return [local];
      return input.local.accepts ? [local, ...edges] : [...edges, local];
    }
    case "edgecloud":
      return qosPlan(input);
  }
}

/**
 * Edge neighbours that can take the function, best first: a warm container for it, then most
 * free memory, then lowest latency.
 */
export function rankEdges(neighbours: Peer[], fn: { name: string; memoryMB: number }): Peer[] {
  const warm = (p: Peer) => (p.load?.AvailableWarmContainers[fn.name] ?? 0) > 0;
  const free = (p: Peer) => p.load?.AvailableMemMB ?? 0;
  return neighbours
    .filter((p) => warm(p) || free(p) >= fn.memoryMB)
    .sort((a, b) =>
      Number(warm(b)) - Number(warm(a)) || free(b) - free(a) ||
      (a.latencyMs ?? Infinity) - (b.latencyMs ?? Infinity)
    );
}

/**
 * The QoS-aware edge-cloud plan: each candidate gets an expected response time (here: the
 * expected wait in the function's queue, a cold start included, + run time; a peer: network
 * round trip + cold start unless warm + run time). Candidates that meet `maxResponseTime` come
 * first, ordered by class: `low` prefers the cheapest place (here, then the edge, then the
 * cloud), `high_performance` the fastest, `high_availability` the cloud (most capacity, keeping
 * the edge free). When no
 * candidate meets the deadline, the fastest is tried alone (best effort).
 */
function qosPlan(input: SchedulingInput): Target[] {
  const { estimate } = input;
  const candidates: { target: Target; seconds: number; tier: number }[] = [];
  if (input.local.accepts) {
    candidates.push({
      target: { kind: "local" },
      seconds: input.local.wait + estimate.duration,
      tier: 0,
    });
  }
  const remote = (peer: Peer, kind: "edge" | "cloud", tier: number) => {
    const warm = (peer.load?.AvailableWarmContainers[input.fn.name] ?? 0) > 0;
    candidates.push({
      target: { kind, peer },
      seconds: (peer.latencyMs ?? 0) / 1000 + (warm ? 0 : estimate.coldStart) + estimate.duration,
      tier,
    });
  };
  for (const peer of rankEdges(input.neighbours, input.fn)) remote(peer, "edge", 1);
  for (const peer of input.clouds) remote(peer, "cloud", 2);
  if (candidates.length === 0) return [];

  const deadline = input.maxResponseTime > 0 ? input.maxResponseTime : Infinity;
  const meeting = candidates.filter((c) => c.seconds <= deadline);
  if (meeting.length === 0) {
    return [candidates.reduce((a, b) => (b.seconds < a.seconds ? b : a)).target];
  }
  const order = input.qosClass === QOS_CLASSES.high_performance
    ? (a: typeof meeting[0], b: typeof meeting[0]) => a.seconds - b.seconds
    : input.qosClass === QOS_CLASSES.high_availability
    ? (a: typeof meeting[0], b: typeof meeting[0]) => b.tier - a.tier || a.seconds - b.seconds
    : (a: typeof meeting[0], b: typeof meeting[0]) => a.tier - b.tier || a.seconds - b.seconds;
  return meeting.sort(order).map((c) => c.target);
}

function byLatency(peers: Peer[]): Peer[] {
  return [...peers].sort((a, b) => (a.latencyMs ?? Infinity) - (b.latencyMs ?? Infinity));
}

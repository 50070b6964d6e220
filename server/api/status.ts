/**
 * `GET /status` (Serverledge's status fields plus pool occupancy, traffic and neighbours) and
 * `GET /load` (the compact load other nodes poll).
 *
 * @module
 */
import { Hono } from "hono";
import type { LoadReport, NodeStatus, PoolStatus } from "../../protocol/status.ts";
import type { NodeServices } from "./services.ts";

/** The status routes. */
export function statusRoutes(services: NodeServices): Hono {
  const app = new Hono();
  app.get("/status", (c) => c.json(nodeStatus(services)));
  app.get("/load", (c) => c.json(nodeLoad(services)));
  return app;
}

/** The compact load of this node, as neighbours poll it (`stats`: the pool's, if already read). */
export function nodeLoad(
  services: NodeServices,
  stats: PoolStatus = services.pool.stats(),
): LoadReport {
  const { identity, pool } = services;
  return {
    Id: identity.id,
    Url: identity.url,
    Area: identity.area,
    Cloud: identity.cloud,
    AvailableMemMB: stats.MemoryMB - stats.UsedMemoryMB,
    AvailableCPUs: round(stats.Cpus - stats.UsedCpus),
    AvailableWarmContainers: pool.warmCounts(),
    LoadAvg: Deno.loadavg(),
  };
}

/** The node's status as `/status` answers it. */
export function nodeStatus(services: NodeServices): NodeStatus {
  const { identity, pool, telemetry: { counters }, store, cluster } = services;
  const stats = pool.stats();
  const memory = Deno.systemMemoryInfo();
  const busy: Record<string, number> = {};
  for (const [name, occupancy] of Object.entries(stats.Functions)) {
    if (occupancy.Busy > 0) busy[name] = occupancy.Busy;
  }
  const load = nodeLoad(services, stats);
  return {
    ...load,
    Policy: identity.policy,
    Registry: identity.registry,
    RegistryConnected: cluster.registryConnected(),
    UptimeSeconds: Math.round((Date.now() - identity.startedAt) / 1000),
    BusyContainers: busy,
    DropCount: counters.dropped,
    TotalMemory: mb(memory.total),
    AvailableMemory: mb(memory.available),
    FreeMemory: mb(memory.free),
    TotalCPU: navigator.hardwareConcurrency,
    UsedCPU: round(stats.UsedCpus),
    LastUpdateTime: Math.floor(Date.now() / 1000),
    Pool: stats,
    Functions: store.list().length,
    Invocations: {
      Success: counters.success,
      Failure: counters.failure,
      Dropped: counters.dropped,
      ColdStarts: counters.coldStarts,
      Local: counters.local,
      OffloadedEdge: counters.offloadedEdge,
      OffloadedCloud: counters.offloadedCloud,
      Received: counters.received,
    },
    Neighbours: cluster.peers().map((peer) => ({
      Id: peer.id,
      Url: peer.url,
      Area: peer.area,
      Cloud: peer.cloud,
      Reachable: peer.reachable,
      LatencyMs: peer.latencyMs === undefined ? null : round(peer.latencyMs),
      LastUpdate: peer.updatedAt === 0 ? null : new Date(peer.updatedAt).toISOString(),
      AvailableMemMB: peer.load?.AvailableMemMB ?? null,
      AvailableCPUs: peer.load?.AvailableCPUs ?? null,
      LoadAvg: peer.load?.LoadAvg ?? null,
      AvailableWarmContainers: peer.load?.AvailableWarmContainers ?? {},
      Sent: counters.peers.get(peer.id)?.sent ?? 0,
      Received: counters.peers.get(peer.id)?.received ?? 0,
    })),
  };
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * `GET /status`: Serverledge's status fields plus pool occupancy and counters.
 *
 * @module
 */
import { Hono } from "hono";
import type { NodeServices } from "./services.ts";

/** The status route. */
export function statusRoutes(services: NodeServices): Hono {
  const app = new Hono();
  app.get("/status", (c) => c.json(nodeStatus(services)));
  return app;
}

/** The node's status as `/status` answers it. */
export function nodeStatus(services: NodeServices) {
  const { identity, pool, counters, store } = services;
  const stats = pool.stats();
  const memory = Deno.systemMemoryInfo();
  const busy: Record<string, number> = {};
  for (const [name, occupancy] of Object.entries(stats.functions)) {
    if (occupancy.busy > 0) busy[name] = occupancy.busy;
  }
  return {
    Id: identity.id,
    Area: identity.area,
    Cloud: identity.cloud,
    Url: identity.url,
    Policy: identity.policy,
    Registry: identity.registry,
    UptimeSeconds: Math.round((Date.now() - identity.startedAt) / 1000),
    AvailableWarmContainers: pool.warmCounts(),
    BusyContainers: busy,
    AvailableMemMB: stats.memoryMB - stats.usedMemoryMB,
    AvailableCPUs: round(stats.cpus - stats.usedCpus),
    DropCount: counters.dropped,
    TotalMemory: mb(memory.total),
    AvailableMemory: mb(memory.available),
    FreeMemory: mb(memory.free),
    TotalCPU: navigator.hardwareConcurrency,
    UsedCPU: round(stats.usedCpus),
    LoadAvg: Deno.loadavg(),
    LastUpdateTime: Math.floor(Date.now() / 1000),
    Pool: stats,
    Functions: store.list().length,
    Invocations: {
      Success: counters.success,
      Failure: counters.failure,
      Dropped: counters.dropped,
      ColdStarts: counters.coldStarts,
    },
  };
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

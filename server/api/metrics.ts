/**
 * `GET /metrics`: the node's figures in Prometheus text format (when `metrics.enabled`).
 *
 * @module
 */
import { Hono } from "hono";
import { NotFoundError } from "../errors.ts";
import { gauge } from "../metrics/prometheus.ts";
import type { NodeServices } from "./services.ts";

/** The metrics route; answers 404 with a reason when metrics are disabled. */
export function metricsRoutes(services: NodeServices, enabled: boolean): Hono {
  const app = new Hono();
  app.get("/metrics", (c) => {
    if (!enabled) throw new NotFoundError("Metrics are disabled (metrics.enabled: false)");
    return c.text(renderMetrics(services) + "\n", 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    });
  });
  return app;
}

function renderMetrics(services: NodeServices): string {
  const stats = services.pool.stats();
  const containers: [Record<string, string>, number][] = [];
  const waiting: [Record<string, string>, number][] = [];
  for (const [fn, occupancy] of Object.entries(stats.Functions)) {
    containers.push([{ function: fn, state: "idle" }, occupancy.Idle]);
    containers.push([{ function: fn, state: "busy" }, occupancy.Busy]);
    containers.push([{ function: fn, state: "starting" }, occupancy.Starting]);
    waiting.push([{ function: fn }, occupancy.Waiting]);
  }
  const counters = services.telemetry.counters;
  return [
    services.telemetry.render(),
    gauge("serverledge_pool_memory_mb", "Memory of the container pool, MB", [[{}, stats.MemoryMB]]),
    gauge("serverledge_pool_memory_used_mb", "Memory held by containers, MB", [[
      {},
      stats.UsedMemoryMB,
    ]]),
    gauge("serverledge_pool_cpus", "CPUs of the container pool", [[{}, stats.Cpus]]),
    gauge("serverledge_pool_cpus_used", "CPUs reserved by running invocations", [[
      {},
      stats.UsedCpus,
    ]]),
    gauge("serverledge_containers", "Containers by function and state", containers),
    gauge("serverledge_waiting_requests", "Requests waiting for a container slot", waiting),
    gauge("serverledge_dropped_requests", "Requests dropped since start", [[{}, counters.dropped]]),
    gauge(
      "serverledge_neighbours",
      "Known nodes by kind and reachability",
      services.cluster.peers().map((p) => [
        { node: p.id, kind: p.cloud ? "cloud" : "edge", reachable: String(p.reachable) },
        1,
      ]),
    ),
  ].join("\n");
}

import assert from "node:assert/strict";
import { formatStatus } from "./status_summary.ts";

Deno.test("formatStatus summarises this node's status with its pool table", () => {
  const text = formatStatus({
    Id: "edge-1",
    Url: "http://127.0.0.1:1323",
    Area: "ROME",
    Cloud: false,
    Policy: "default",
    Registry: "embedded",
    UptimeSeconds: 3725,
    AvailableMemMB: 896,
    AvailableCPUs: 1.5,
    TotalMemory: 24000,
    AvailableMemory: 20000,
    TotalCPU: 2,
    LoadAvg: [0.5, 0.25, 0],
    Pool: {
      MemoryMB: 1024,
      Cpus: 2,
      Functions: { hello: { Idle: 1, Busy: 0, Starting: 0, MemoryMB: 128 } },
    },
    Functions: 2,
    Invocations: { Success: 10, Failure: 1, Dropped: 0, ColdStarts: 1 },
    Neighbours: [{ Id: "edge-2", Url: "http://127.0.0.1:1324", Reachable: true, LatencyMs: 1.5 }],
  });
  assert.equal(
    text,
    [
      "Node         edge-1 at http://127.0.0.1:1323 (edge node, area ROME, up 1 h 2 min)",
      "Policy       default, registry embedded",
      "Pool memory  896 of 1024 MB available",
      "Pool CPUs    1.5 of 2 CPUs available",
      "Machine      memory 20000 of 24000 MB available, 2 CPUs, load 0.50 0.25 0.00",
      "Functions    2",
      "Invocations  10 succeeded, 1 failed, 0 dropped, 1 cold start",
      "",
      "FUNCTION  WARM  BUSY  STARTING  MEMORY",
      "hello     1     0     0         128 MB",
      "",
      "NEIGHBOUR  URL                    KIND  REACHABLE  LATENCY",
      "edge-2     http://127.0.0.1:1324  edge  yes        1.5 ms",
    ].join("\n"),
  );
});

Deno.test("formatStatus summarises a Go Serverledge node's fields too", () => {
  const text = formatStatus({
    Url: "http://10.0.0.5:1323",
    AvailableMemMB: 4096,
    AvailableCPUs: 4,
    DropCount: 3,
    AvailableWarmContainers: { sieve: 2 },
  });
  assert.equal(
    text,
    [
      "Node         at http://10.0.0.5:1323",
      "Pool memory  4096 MB available",
      "Pool CPUs    4 CPUs available",
      "Invocations  3 dropped",
      "",
      "FUNCTION  WARM  BUSY  STARTING  MEMORY",
      "sieve     2     0     -         -",
    ].join("\n"),
  );
  assert.match(formatStatus({}), /^\nContainers: none$/);
});

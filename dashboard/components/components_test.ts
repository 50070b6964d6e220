// Component logic rendered to HTML (no browser): what the panels show for given data, and
// their accessible names and values.
import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import type { InvocationEvent, NeighbourStatus, NodeStatus } from "../../protocol/status.ts";
import { TrafficHistory } from "../lib/traffic.ts";
import { placement } from "./activity_panel.tsx";
import { viewFromHash } from "./header.tsx";
import { NeighboursPanel } from "./neighbours_panel.tsx";
import { PoolPanel } from "./pool_panel.tsx";
import { registryDetail, StatusPanel } from "./status_panel.tsx";
import { sinceStart, TrafficPanel } from "./traffic_panel.tsx";
import { Meter } from "./ui.tsx";

const cloud: NeighbourStatus = {
  Id: "cloud-1",
  Url: "http://127.0.0.1:2",
  Area: "ROME",
  Cloud: true,
  Reachable: true,
  LatencyMs: 1.234,
  LastUpdate: new Date().toISOString(),
  AvailableMemMB: 2048,
  AvailableCPUs: 2,
  LoadAvg: [0.5, 0.4, 0.3],
  AvailableWarmContainers: { f: 2, g: 1 },
  Sent: 7,
  Received: 1,
};

const status: NodeStatus = {
  Id: "edge-1",
  Url: "http://127.0.0.1:1",
  Area: "ROME",
  Cloud: false,
  AvailableMemMB: 768,
  AvailableCPUs: 2,
  AvailableWarmContainers: { f: 1 },
  LoadAvg: [0.1, 0.2, 0.3],
  Policy: "default",
  Registry: "etcd",
  RegistryConnected: true,
  UptimeSeconds: 125,
  BusyContainers: { f: 1 },
  DropCount: 0,
  TotalMemory: 24576,
  AvailableMemory: 20480,
  FreeMemory: 10000,
  TotalCPU: 2,
  UsedCPU: 0,
  LastUpdateTime: 0,
  Pool: {
    MemoryMB: 1024,
    UsedMemoryMB: 256,
    Cpus: 2,
    UsedCpus: 0,
    Blank: 1,
    Functions: { f: { Idle: 1, Busy: 1, Starting: 0, Waiting: 0, MemoryMB: 256 } },
  },
  Functions: 1,
  Invocations: {
    Success: 10,
    Failure: 1,
    Dropped: 2,
    ColdStarts: 3,
    Local: 4,
    OffloadedEdge: 0,
    OffloadedCloud: 9,
    Received: 0,
  },
  Neighbours: [cloud],
};

Deno.test("StatusPanel shows identity, role, uptime, memory, CPU, policy and registry", () => {
  const html = renderToString(h(StatusPanel, { status }));
  for (const text of ["edge-1", "Edge", "Area ROME", "2 min 5 s", "4 GB", "24 GB", "default"]) {
    assert.ok(html.includes(text), `${text} in ${html}`);
  }
  assert.match(html, /etcd/);
  assert.match(renderToString(h(StatusPanel, { status: undefined })), /Waiting for the node/);
  assert.equal(registryDetail({ ...status, Registry: "embedded" }), "Single node, no etcd");
  assert.equal(registryDetail(status), "etcd connected");
  assert.equal(registryDetail({ ...status, RegistryConnected: false }), "etcd unreachable");
});

Deno.test("PoolPanel draws a bar per function with its accessible value", () => {
  const html = renderToString(h(PoolPanel, { pool: status.Pool }));
  assert.match(html, /data-testid="pool-row-f" data-busy="1" data-idle="1"/);
  assert.match(html, /aria-valuetext="256 MB of 1 GB: 1 busy, 1 idle, 0 starting, 0 waiting"/);
  assert.match(html, /role="meter"[^>]*aria-label="Pool memory in use"/);
  assert.match(html, /1 blank container ready for cold starts/);
  const empty = renderToString(h(PoolPanel, { pool: { ...status.Pool, Functions: {}, Blank: 0 } }));
  assert.match(empty, /pool-empty/);
  assert.doesNotMatch(empty, /pool-blank/);
});

Deno.test("Meter caps at 100 and reports its total", () => {
  const html = renderToString(
    h(Meter, {
      label: "m",
      valueText: "v",
      segments: [{ label: "a", class: "", percent: 80 }, { label: "b", class: "", percent: 40 }],
    }),
  );
  assert.match(html, /aria-valuenow="100"/);
});

Deno.test("TrafficPanel lists a line per neighbour with totals in the window and since start", () => {
  const traffic = new TrafficHistory();
  traffic.add({
    ...status,
    Invocations: { ...status.Invocations, OffloadedCloud: 2 },
    Neighbours: [{ ...cloud, Sent: 0 }],
  }, 0);
  traffic.add(status, 1000);
  const html = renderToString(
    h(TrafficPanel, { traffic, version: 1, status, dark: false }),
  );
  assert.match(html, /To cloud-1/);
  assert.match(html, /data-testid="traffic-total-to:cloud-1">7</);
  assert.match(html, /data-testid="traffic-since-to:cloud-1">7</);
  // 9 offloaded since start, 7 of them to the listed cloud node: 2 to nodes no longer listed.
  assert.equal(sinceStart(status, { key: "other", label: "", kind: "other" }), "2");
  assert.match(
    html,
    /aria-label="Requests over the last 5 minute\(s\), per 5 seconds: Run here 0, To cloud-1 7/,
  );
});

Deno.test("NeighboursPanel shows load, latency and traffic per node", () => {
  const html = renderToString(h(NeighboursPanel, { neighbours: [cloud] }));
  for (const text of ["cloud-1", "reachable", "1.2 ms", "2 GB", "0.5"]) {
    assert.ok(html.includes(text), text);
  }
  assert.match(html, /data-testid="neighbour-sent-cloud-1">7</);
  assert.match(renderToString(h(NeighboursPanel, { neighbours: [] })), /No other node known/);
});

Deno.test("placement and viewFromHash", () => {
  const event: InvocationEvent = { Function: "f", Success: true, SchedAction: "", Time: 0 };
  assert.equal(placement(event, "n1"), "ran here");
  assert.equal(placement({ ...event, SchedAction: "O", ExecutedOn: "c" }, "n1"), "offloaded to c");
  assert.equal(placement({ ...event, SchedAction: "D" }, "n1"), "dropped");
  assert.deepEqual(viewFromHash("#/invoke/hello%20x"), { view: "invoke", fn: "hello x" });
  assert.deepEqual(viewFromHash(""), { view: "overview", fn: undefined });
  assert.deepEqual(viewFromHash("#/nonsense"), { view: "overview", fn: undefined });
});

import assert from "node:assert/strict";
import type { Peer } from "../cluster/peer.ts";
import { plan, rankEdges, type SchedulingInput, type Target } from "./policies.ts";
import { QOS_CLASSES } from "../../protocol/qos.ts";

function peer(id: string, options: Partial<Peer> & { free?: number; warm?: number } = {}): Peer {
  const { free = 1000, warm = 0, ...rest } = options;
  return {
    id,
    url: `http://127.0.0.1/${id}`,
    area: "ROME",
    cloud: false,
    updatedAt: 1,
    reachable: true,
    latencyMs: 1,
    load: {
      Id: id,
      Url: "",
      Area: "ROME",
      Cloud: false,
      AvailableMemMB: free,
      AvailableCPUs: 2,
      AvailableWarmContainers: warm ? { f: warm } : {},
      LoadAvg: [0, 0, 0],
    },
    ...rest,
  };
}

const cloud = peer("cloud", { cloud: true, latencyMs: 40 });

function input(changes: Partial<SchedulingInput> = {}): SchedulingInput {
  return {
    policy: "default",
    isCloud: false,
    canOffload: true,
    qosClass: QOS_CLASSES.low,
    maxResponseTime: -1,
    fn: { name: "f", memoryMB: 128 },
    local: { free: false, wait: 0.5, accepts: true },
    neighbours: [peer("e1"), peer("e2")],
    clouds: [cloud],
    estimate: { duration: 0.1, coldStart: 0.5 },
    ...changes,
  };
}

const where = (targets: Target[]) =>
  targets.map((t) => (t.kind === "local" ? "local" : `${t.kind}:${t.peer.id}`));

Deno.test("default runs locally when it fits, else in the cloud, else tries locally (429)", () => {
  assert.deepEqual(where(plan(input())), ["local", "cloud:cloud"]);
  assert.deepEqual(where(plan(input({ local: { free: false, wait: Infinity, accepts: false } }))), [
    "cloud:cloud",
    "local",
  ]);
  assert.deepEqual(
    where(plan(input({ local: { free: false, wait: Infinity, accepts: false }, clouds: [] }))),
    ["local"],
  );
});

Deno.test("CanDoOffloading false and localonly always run locally", () => {
  for (const policy of ["default", "edgeonly", "cloudonly", "edgecloud", "localonly"] as const) {
    assert.deepEqual(where(plan(input({ policy, canOffload: false }))), ["local"], policy);
  }
  assert.deepEqual(
    where(
      plan(input({ policy: "localonly", local: { free: false, wait: Infinity, accepts: false } })),
    ),
    ["local"],
  );
});

Deno.test("cloudonly offloads from the edge and runs locally on a cloud node", () => {
  assert.deepEqual(where(plan(input({ policy: "cloudonly" }))), ["cloud:cloud"]);
  assert.deepEqual(where(plan(input({ policy: "cloudonly", clouds: [] }))), []);
  assert.deepEqual(where(plan(input({ policy: "cloudonly", isCloud: true }))), ["local"]);
});

Deno.test("edgeonly ranks neighbours: warm first, then free memory, then latency", () => {
  const neighbours = [
    peer("roomy", { free: 2000, latencyMs: 9 }),
    peer("near", { free: 1000, latencyMs: 1 }),
    peer("far", { free: 1000, latencyMs: 5 }),
    peer("warm", { free: 0, warm: 1, latencyMs: 20 }),
    peer("full", { free: 64 }),
  ];
  assert.deepEqual(rankEdges(neighbours, { name: "f", memoryMB: 128 }).map((p) => p.id), [
    "warm",
    "roomy",
    "near",
    "far",
  ]);
  const busy = input({
    policy: "edgeonly",
    local: { free: false, wait: Infinity, accepts: false },
    neighbours,
  });
  assert.deepEqual(where(plan(busy)), [
    "edge:warm",
    "edge:roomy",
    "edge:near",
    "edge:far",
    "local",
  ]);
  assert.deepEqual(where(plan(input({ policy: "edgeonly", neighbours: [] }))), ["local"]);
});

Deno.test("edgecloud honours the deadline with measured latency and durations", () => {
  const slowCloud = peer("cloud", { cloud: true, latencyMs: 400 });
  const base = input({ policy: "edgecloud", clouds: [slowCloud], neighbours: [] });
  // Local cold start 0.6 s; the cloud is warm but 0.4 s away: 0.5 s.
  const warmCloud = {
    ...slowCloud,
    load: { ...slowCloud.load!, AvailableWarmContainers: { f: 1 } },
  };
  assert.deepEqual(where(plan({ ...base, clouds: [warmCloud] })), ["local", "cloud:cloud"]);
  assert.deepEqual(where(plan({ ...base, clouds: [warmCloud], maxResponseTime: 0.55 })), [
    "cloud:cloud",
  ]);
  // Nothing meets 0.1 s: the fastest is tried alone.
  assert.deepEqual(where(plan({ ...base, clouds: [warmCloud], maxResponseTime: 0.1 })), [
    "cloud:cloud",
  ]);
});

Deno.test("edgecloud orders by class: low is cheapest-first, high performance fastest, high availability cloud", () => {
  const warmEdge = peer("edge", { warm: 1, latencyMs: 2 });
  const warmCloud = peer("cloud", { cloud: true, warm: 1, latencyMs: 30 });
  const base = input({ policy: "edgecloud", neighbours: [warmEdge], clouds: [warmCloud] });
  assert.deepEqual(where(plan(base)), ["local", "edge:edge", "cloud:cloud"]);
  assert.deepEqual(where(plan({ ...base, qosClass: QOS_CLASSES.high_performance })), [
    "edge:edge",
    "cloud:cloud",
    "local",
  ]);
  assert.deepEqual(where(plan({ ...base, qosClass: QOS_CLASSES.high_availability })), [
    "cloud:cloud",
    "edge:edge",
    "local",
  ]);
  assert.deepEqual(
    where(
      plan({
        ...base,
        local: { free: false, wait: Infinity, accepts: false },
        neighbours: [],
        clouds: [],
      }),
    ),
    [],
  );
});

Deno.test("edgecloud counts the wait in the local queue into the local response time", () => {
  const warmCloud = peer("cloud", { cloud: true, warm: 1, latencyMs: 100 });
  const base = input({ policy: "edgecloud", neighbours: [], clouds: [warmCloud] });
  const queued = { free: false, wait: 2, accepts: true };
  assert.deepEqual(where(plan({ ...base, local: queued, maxResponseTime: 1 })), ["cloud:cloud"]);
  assert.deepEqual(where(plan({ ...base, local: queued })), ["local", "cloud:cloud"]);
  const soon = { free: false, wait: 0.01, accepts: true };
  assert.deepEqual(
    where(plan({ ...base, local: soon, qosClass: QOS_CLASSES.high_performance })),
    ["local", "cloud:cloud"],
    "a slot freeing in 10 ms beats a warm cloud 100 ms away",
  );
});

Deno.test("default and edgeonly offload first when the local queue would not take the request", () => {
  const full = { free: false, wait: 3, accepts: false };
  assert.deepEqual(where(plan(input({ local: full }))), ["cloud:cloud", "local"]);
  assert.deepEqual(where(plan(input({ policy: "edgeonly", local: full }))), [
    "edge:e1",
    "edge:e2",
    "local",
  ]);
});

Deno.test("with nowhere else to go, default and edgeonly plan local without reading the outlook", () => {
  const unread = {
    get free(): boolean {
      throw new Error("free was read");
    },
    get wait(): number {
      throw new Error("wait was read");
    },
    get accepts(): boolean {
      throw new Error("accepts was read");
    },
  };
  assert.deepEqual(where(plan(input({ local: unread, clouds: [] }))), ["local"]);
  assert.deepEqual(where(plan(input({ policy: "edgeonly", local: unread, neighbours: [] }))), [
    "local",
  ]);
  assert.throws(() => plan(input({ local: unread })), /accepts was read/, "a cloud: it is read");
});

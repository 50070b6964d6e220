import assert from "node:assert/strict";
import { TrafficHistory } from "./traffic.ts";
import type { NeighbourStatus, NodeStatus } from "../../protocol/status.ts";

function neighbour(id: string, cloud: boolean, sent: number): NeighbourStatus {
  return {
    Id: id,
    Url: `http://${id}`,
    Area: "ROME",
    Cloud: cloud,
    Reachable: true,
    LatencyMs: 1,
    LastUpdate: null,
    AvailableMemMB: 100,
    AvailableCPUs: 1,
    LoadAvg: [0, 0, 0],
    AvailableWarmContainers: {},
    Sent: sent,
    Received: 0,
  };
}

function status(
  counts: Partial<NodeStatus["Invocations"]>,
  neighbours: NeighbourStatus[] = [],
  extra: Partial<NodeStatus> = {},
): NodeStatus {
  return {
    Id: "edge",
    UptimeSeconds: 10,
    Invocations: {
      Success: 0,
      Failure: 0,
      Dropped: 0,
      ColdStarts: 0,
      Local: 0,
      OffloadedEdge: 0,
      OffloadedCloud: 0,
      Received: 0,
      ...counts,
    },
    Neighbours: neighbours,
    ...extra,
  } as NodeStatus;
}

Deno.test("TrafficHistory turns cumulative counters into per-interval counts", () => {
  const history = new TrafficHistory();
  assert.equal(
    history.add(status({ Local: 5, OffloadedCloud: 1 }, [neighbour("cloud", true, 1)]), 1000),
    false,
  );
  assert.equal(
    history.add(
      status({ Local: 7, OffloadedCloud: 4, Received: 1, Dropped: 1 }, [
        neighbour("cloud", true, 4),
      ]),
      3000,
    ),
    true,
  );
  const [sample] = history.samples();
  assert.deepEqual(sample, {
    time: 3,
    seconds: 2,
    local: 2,
    sent: { cloud: 3 },
    other: 0,
    received: 1,
    dropped: 1,
  });
  assert.deepEqual(history.series().map((s) => s.key), [
    "local",
    "to:cloud",
    "received",
    "dropped",
  ]);
  assert.deepEqual(history.totals(), { local: 2, "to:cloud": 3, received: 1, dropped: 1 });
  const [times, local, cloud, received, dropped] = history.chartData(4, 5);
  assert.equal(times.length, 60);
  assert.equal(times.at(-1), 5);
  assert.equal(times[0], 5 - 59 * 5);
  assert.deepEqual([local.at(-1), cloud.at(-1), received.at(-1), dropped.at(-1)], [2, 3, 1, 1]);
  assert.equal(local.at(-2), null, "nothing known before the first sample");
});

Deno.test("offloads to nodes that are not listed go to 'other'; cloud neighbours come first", () => {
  const history = new TrafficHistory();
  history.add(status({}, [neighbour("b-edge", false, 0), neighbour("z-cloud", true, 0)]), 0);
  history.add(
    status({ OffloadedEdge: 1, OffloadedCloud: 3 }, [
      neighbour("b-edge", false, 1),
      neighbour("z-cloud", true, 1),
    ]),
    1000,
  );
  assert.deepEqual(history.series().map((s) => s.key), [
    "local",
    "to:z-cloud",
    "to:b-edge",
    "other",
    "received",
    "dropped",
  ]);
  assert.equal(history.totals().other, 2);
});

Deno.test("a neighbour that leaves stays while it has traffic in the window", () => {
  const history = new TrafficHistory({ windowSeconds: 10 });
  history.add(status({}, [neighbour("a", false, 0), neighbour("b", false, 0)]), 0);
  history.add(status({ OffloadedEdge: 2 }, [neighbour("a", false, 2)]), 1000);
  assert.deepEqual(history.series().map((s) => s.key).filter((k) => k.startsWith("to:")), ["to:a"]);
  history.add(status({ OffloadedEdge: 2 }, []), 2000);
  assert.ok(history.series().some((s) => s.key === "to:a"));
  history.add(status({ OffloadedEdge: 2 }, []), 20_000);
  assert.ok(!history.series().some((s) => s.key === "to:a"), "gone once out of the window");
  // It comes back with its old cumulative count: no jump.
  history.add(status({ OffloadedEdge: 2 }, [neighbour("a", false, 2)]), 21_000);
  history.add(status({ OffloadedEdge: 2 }, [neighbour("a", false, 2)]), 22_000);
  assert.equal(history.totals()["to:a"], 0);
});

Deno.test("samples outside the window are dropped; close snapshots are skipped", () => {
  const history = new TrafficHistory({ windowSeconds: 5 });
  for (let t = 0; t <= 10; t++) history.add(status({ Local: t }), t * 1000);
  assert.deepEqual(history.samples().map((s) => s.time), [5, 6, 7, 8, 9, 10]);
  assert.equal(history.add(status({ Local: 11 }), 10_100), false);
  assert.equal(history.add(status({ Local: 12 }), 11_000), true);
  assert.equal(history.samples().at(-1)!.local, 2);
});

Deno.test("a restarted or different node starts a new baseline", () => {
  const history = new TrafficHistory();
  history.add(status({ Local: 10 }, [], { UptimeSeconds: 100 }), 0);
  history.add(status({ Local: 12 }, [], { UptimeSeconds: 101 }), 1000);
  assert.equal(history.samples().length, 1);
  assert.equal(history.add(status({ Local: 1 }, [], { UptimeSeconds: 1 }), 2000), false);
  assert.equal(history.add(status({ Local: 3 }, [], { UptimeSeconds: 2 }), 3000), true);
  assert.equal(history.samples().at(-1)!.local, 2);
  assert.equal(history.add(status({ Local: 50 }, [], { Id: "other" }), 4000), false);
  assert.equal(history.samples().length, 0);
});

Deno.test("chartData sums samples into buckets and zero-fills known quiet buckets", () => {
  const history = new TrafficHistory({ windowSeconds: 20 });
  history.add(status({}), 0);
  for (let t = 1; t <= 12; t++) history.add(status({ Local: t <= 6 ? t : 6 }), t * 1000);
  const [times, local] = history.chartData(12, 5);
  assert.deepEqual(times, [0, 5, 10, 15]);
  // (0,5]: samples 1..5 → 5; (5,10]: sample 6 → 1, then quiet; (10,15]: quiet so far.
  assert.deepEqual(local, [null, 5, 1, 0]);
});

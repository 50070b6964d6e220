// A function larger than this node's pool runs where it fits: an edge node offloads it to a cloud
// node of the same etcd; refused only when the request may not leave the node.
import assert from "node:assert/strict";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction } from "../testing/functions.ts";
import { FAST_CLUSTER, startNodeProcess } from "../testing/node_process.ts";
import { sleep } from "../timing/sleep.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "a function larger than the edge's pool is offloaded to a cloud node that fits it",
  opts,
  async () => {
    await using etcd = await startEtcd();
    const shared = {
      "etcd.address": etcd.address,
      ...FAST_CLUSTER,
    };
    await using cloud = await startNodeProcess({
      config: { ...shared, cloud: true, "container.pool.memory": 2048 },
    });
    await using edge = await startNodeProcess({
      config: { ...shared, "container.pool.memory": 256 },
    });
    const created = await edge.post(
      "/create",
      await exampleFunction("big", "hello.py", { MemoryMB: 1024 }),
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    let report: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      const invoked = await edge.post("/invoke/big", { Params: { name: "cloud" } });
      report = invoked.body;
      if (invoked.status === 200) break;
      await sleep(100); // until the edge has polled the cloud's load
    }
    assert.equal(report.Success, true, JSON.stringify(report));
    assert.equal(report.SchedAction, "O");
    assert.equal(report.ExecutedOn, cloud.id);

    const kept = await edge.post("/invoke/big", { Params: {}, CanDoOffloading: false });
    assert.equal(kept.status, 429, JSON.stringify(kept.body));
    assert.match(
      String(kept.body.Error),
      /needs 1024 MB, more than this node's pool \(256 MB\), and the request does not allow offloading/,
    );
  },
);

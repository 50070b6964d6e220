// A cloud named by cloud.server.url is polled when the node starts: the first request after the
// start can be offloaded, long before registry.monitoring.interval has passed.
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { startNodeProcess } from "../testing/node_process.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "the first request after the start is offloaded to the cloud of cloud.server.url",
  opts,
  async () => {
    await using cloud = await startNodeProcess({ config: { cloud: true } });
    await using edge = await startNodeProcess({
      config: {
        "cloud.server.url": cloud.url,
        "scheduler.policy": "cloudonly",
        "registry.monitoring.interval": 600,
      },
    });
    const hello = await exampleFunction("hello", "hello.py");
    // Two embedded registries: the function is created on each node.
    for (const node of [cloud, edge]) assert.equal((await node.post("/create", hello)).status, 200);
    const first = await edge.post("/invoke/hello", { Params: { name: "cloud" } });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.SchedAction, "O");
    assert.equal(first.body.ExecutedOn, cloud.id);
    assert.match(edge.output(), /not shared|etcd\.address/);
  },
);

// serverledge-lb with Go Serverledge nodes on a real etcd: a simulated Go cloud node of its
// area is a target (found in Go's layout, its load read from its /status), and our cloud node,
// which is in both layouts, is one target, not two.
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { parseConfig } from "../config/mod.ts";
import { startEtcd } from "../testing/etcd.ts";
import { startGoNode } from "../testing/go_node.ts";
import { freePort, startNodeProcess } from "../testing/node_process.ts";
import { postJson } from "../testing/post_json.ts";
import { eventually } from "../testing/until.ts";
import { sleep } from "../timing/sleep.ts";
import { startBalancer } from "./start.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("the balancer takes a Go cloud node of its area as a target", opts, async () => {
  await using etcd = await startEtcd();
  const etcdAddress = etcd.address;
  await using goCloud = await startGoNode({
    etcdAddress,
    cloud: true,
    functions: { hello: (params) => `Hello ${params.name} from Go` },
  });
  goCloud.status.AvailableWarmContainers = { hello: 2 };
  // A Go edge of the area and a Go cloud node of another area are no targets.
  await using _goEdge = await startGoNode({ etcdAddress });
  await using _goParis = await startGoNode({ etcdAddress, cloud: true, area: "PARIS" });
  const port = freePort();
  await using lb = await startBalancer(
    parseConfig(
      stringify({
        "api.port": port,
        "etcd.address": etcdAddress,
        "registry.area": "ROME",
        "lb.load.interval": 0.5,
        "lb.retry.interval": 1,
      }),
      "yaml",
      "lb test",
    ),
    () => {},
  );
  const targets = () => lb.balancer.status().Targets;
  await eventually(() => targets().some((t) => t.Up && t.AvailableMemMB !== undefined));
  assert.deepEqual(targets().map((t) => [t.Url, t.Id, t.Source, t.Up]), [
    [goCloud.url, goCloud.id, "etcd", true],
  ]);
  assert.deepEqual(targets()[0].AvailableWarmContainers, { hello: 2 });

  const response = await postJson(`http://127.0.0.1:${port}/invoke/hello`, {
    Params: { name: "lb" },
  });
  const answer = await response.json();
  assert.equal(response.status, 200, JSON.stringify(answer));
  assert.equal(answer.Result, JSON.stringify("Hello lb from Go"));
  assert.equal(goCloud.count("/invoke/hello"), 1);
  await eventually(() => goCloud.count("/status") >= 4); // three more polls
  assert.equal(goCloud.count("/load"), 1, "asked /load once, then /status only");
  assert.ok(goCloud.count("/status") >= 4, `${goCloud.count("/status")} polls`);

  // Our cloud node is registered in both layouts: one target.
  await using cloud = await startNodeProcess({
    config: { "etcd.address": etcdAddress, "registry.area": "ROME", cloud: true },
  });
  await eventually(() => targets().some((t) => t.Url === cloud.url && t.Up), 30_000);
  await sleep(1_000);
  assert.deepEqual(
    targets().map((t) => [t.Url, t.Id]).sort(),
    [
      [cloud.url, cloud.id],
      [goCloud.url, goCloud.id],
    ].sort(),
  );

  await goCloud.deregister();
  await eventually(() => targets().length === 1);
  assert.equal(targets()[0].Url, cloud.url);
});

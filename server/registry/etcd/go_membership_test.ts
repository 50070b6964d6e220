// Node records shared with Go Serverledge nodes, on a real etcd: ours written in Go's layout
// too, and simulated Go nodes' records (both releases) listed and watched.
import assert from "node:assert/strict";
import { startEtcd } from "../../testing/etcd.ts";
import { goLookup, startGoNode } from "../../testing/go_node.ts";
import { collectNodeEvents, node } from "../../testing/registry_contract.ts";
import { eventually } from "../../testing/until.ts";
import { sleep } from "../../timing/sleep.ts";
import { EtcdRegistry } from "../etcd.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "EtcdRegistry.nodes.register() writes the node's URL in Go's layout under its lease",
  opts,
  async () => {
    await using etcd = await startEtcd();
    await using registry = await EtcdRegistry.open(etcd.address);
    const edge = node("e1", { Url: "http://127.0.0.1:1401" });
    const cloud = node("c1", { Url: "http://127.0.0.1:1402", Area: "MILAN", Cloud: true });
    const unregisterEdge = await registry.nodes.register(edge, 10);
    const unregisterCloud = await registry.nodes.register(cloud, 10);

    assert.deepEqual(await goLookup(etcd.address, "ROME", "edge"), {
      "registry/ROME/e1": edge.Url,
    });
    assert.deepEqual(await goLookup(etcd.address, "MILAN", "cloud"), {
      "registry/cloud/MILAN/c1": cloud.Url,
    });
    assert.deepEqual(await goLookup(etcd.address, "MILAN", "edge"), {}, "no cloud among edges");
    const leases = await etcd.asRoot(async (client) =>
      await Promise.all(
        ["/registry/ROME/edge/e1", "registry/ROME/e1"].map(async (key) =>
          (await client.get(key).exec()).kvs[0].lease
        ),
      )
    );
    assert.notEqual(leases[0], "0");
    assert.equal(leases[0], leases[1], "both records under one lease");

    await unregisterEdge();
    await unregisterCloud();
    assert.deepEqual(await goLookup(etcd.address, "ROME", "edge"), {});
    assert.deepEqual(await goLookup(etcd.address, "MILAN", "cloud"), {});
  },
);

Deno.test(
  "EtcdRegistry.nodes lists and watches Go nodes of both releases, and each of ours once",
  opts,
  async () => {
    await using etcd = await startEtcd();
    await using registry = await EtcdRegistry.open(etcd.address);
    await using observer = await EtcdRegistry.open(etcd.address);
    const watch = collectNodeEvents(observer.nodes);
    const ours = node("ours", { Url: "http://127.0.0.1:1403" });
    await registry.nodes.register(ours, 10);
    const address = etcd.address;
    await using goCloud = await startGoNode({ etcdAddress: address, cloud: true, id: "gc" });
    await using goEdge = await startGoNode({ etcdAddress: address, release: "faas", id: "ge" });
    const goCloudRecord = { Id: "gc", Url: goCloud.url, Area: "ROME", Cloud: true };
    const goEdgeRecord = { Id: "ge", Url: goEdge.url, Area: "ROME", Cloud: false };
    assert.equal(goEdge.record, `127.0.0.1;${new URL(goEdge.url).port};9876`);

    // Ours by our layout's order, then the Go nodes by key (registry/ROME/… < registry/cloud/…).
    assert.deepEqual(await observer.nodes.list(), [ours, goEdgeRecord, goCloudRecord]);
    await eventually(() => watch.events.length >= 3);
    await sleep(300); // time for repeats (each of ours comes from both layouts) to arrive
    assert.deepEqual(watch.events, [
      { type: "put", node: ours },
      { type: "put", node: goCloudRecord },
      { type: "put", node: goEdgeRecord },
    ]);

    await goCloud.deregister();
    await eventually(() => watch.events.length >= 4);
    assert.deepEqual(watch.events[3], { type: "delete", id: "gc" });
    assert.deepEqual(await observer.nodes.list(), [ours, goEdgeRecord]);
    watch.stop();
  },
);

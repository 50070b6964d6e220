import assert from "node:assert/strict";
import { startEtcd } from "../../testing/etcd.ts";
import { collectNodeEvents, node } from "../../testing/registry_contract.ts";
import { eventually } from "../../testing/until.ts";
import { listsNode } from "../../testing/registry_fixtures.ts";
import { sleep } from "../../timing/sleep.ts";
import { EtcdRegistry } from "../etcd.ts";

Deno.test("EtcdRegistry keeps a node registered across a short etcd restart", async () => {
  await using etcd = await startEtcd();
  await using nodeA = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  await using nodeB = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  const watch = collectNodeEvents(nodeB.nodes);
  await nodeA.nodes.register(node("a"), 2);
  await eventually(() => watch.events.length === 1);

  await etcd.restart();
  await sleep(6_000); // three TTLs: the lease must have been kept alive (or renewed)
  assert.ok(await listsNode(nodeB.nodes, "a"));
  assert.ok(!watch.events.some((event) => event.type === "delete"), JSON.stringify(watch.events));

  await nodeA.nodes.register(node("b"), 2);
  await eventually(() => watch.events.some((e) => e.type === "put" && e.node.Id === "b"));
  watch.stop();
});

Deno.test("EtcdRegistry registers a node again after losing its lease in an outage", async () => {
  await using etcd = await startEtcd();
  await using nodeA = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  await using nodeB = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  const watch = collectNodeEvents(nodeB.nodes);
  const unregister = await nodeA.nodes.register(node("a"), 2);
  await eventually(() => watch.events.length === 1);

  await etcd.stop();
  await sleep(6_000); // longer than twice the TTL: nodeA's client gives the lease up
  await etcd.start();
  const back = Date.now();
  await eventually(() => listsNode(nodeB.nodes, "a").catch(() => false), 10_000);
  // Registered again under a new lease (a put after the outage), kept alive from then on.
  await eventually(() => watch.events.filter((e) => e.type === "put").length >= 2, 10_000);
  console.log(`Registered again ${Date.now() - back} ms after etcd came back`);
  await sleep(6_000);
  assert.ok(await listsNode(nodeB.nodes, "a"));
  const last = watch.events.at(-1);
  assert.deepEqual(last, { type: "put", node: node("a") }, JSON.stringify(watch.events));

  // Watches still deliver, and unregistering still removes the node at once.
  await unregister();
  await eventually(() => watch.events.at(-1)?.type === "delete", 1_000);
  assert.deepEqual(await nodeB.nodes.list(), []);
  watch.stop();
});

Deno.test("EtcdRegistry unregisters while etcd is down: the lease expires by itself", async () => {
  await using etcd = await startEtcd();
  await using nodeA = await EtcdRegistry.open(etcd.address, { timeoutMs: 1_000 });
  await using nodeB = await EtcdRegistry.open(etcd.address, { timeoutMs: 1_000 });
  const unregister = await nodeA.nodes.register(node("a"), 2);
  await etcd.stop();
  const started = Date.now();
  await unregister();
  assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
  await etcd.start();
  // etcd renews every lease when it starts: the key goes one TTL later, nobody keeps it alive.
  await eventually(async () => !await listsNode(nodeB.nodes, "a").catch(() => true), 10_000);
});

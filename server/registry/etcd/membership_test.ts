import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { startEtcd } from "../../testing/etcd.ts";
import * as contract from "../../testing/registry_contract.ts";
import { collectNodeEvents, node } from "../../testing/registry_contract.ts";
import { eventually } from "../../testing/until.ts";
import { listsNode, onNewEtcdRegistry } from "../../testing/registry_fixtures.ts";
import { sleep } from "../../timing/sleep.ts";
import { EtcdRegistry } from "../etcd.ts";
import type { NodeRecord } from "../../../protocol/registry.ts";

/**
 * Starts a separate Deno process that registers `record` with etcd at `address` under a lease
 * of `ttlSeconds`, and resolves once it has registered. Kill it to simulate a crash.
 */
async function spawnRegisteredNode(
  address: string,
  record: NodeRecord,
  ttlSeconds: number,
): Promise<Deno.ChildProcess> {
  const script = `
    import { EtcdRegistry } from ${JSON.stringify(import.meta.resolve("../etcd.ts"))};
    const registry = await EtcdRegistry.open(${JSON.stringify(address)});
    await registry.nodes.register(${JSON.stringify(record)}, ${ttlSeconds});
    console.log("registered");
    setInterval(() => {}, 60_000);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    cwd: new URL("../../../", import.meta.url),
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  try {
    while (!output.includes("registered\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`Node process exited before registering: "${output}"`);
      output += value;
    }
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  } finally {
    await lines.cancel();
  }
  return child;
}

Deno.test("EtcdRegistry.nodes.register() is seen by every node until it unregisters", async () => {
  await using etcd = await startEtcd();
  await using nodeA = await EtcdRegistry.open(etcd.address);
  await using nodeB = await EtcdRegistry.open(etcd.address);
  await contract.assertNodeMembership(nodeA.nodes, nodeB.nodes);
});

Deno.test("EtcdRegistry.nodes.list() orders nodes by area, then kind and id", async () => {
  await using etcd = await startEtcd();
  await using nodeA = await EtcdRegistry.open(etcd.address);
  await using nodeB = await EtcdRegistry.open(etcd.address);
  const a = node("a");
  const cloud = node("c", { Area: "MILAN", Cloud: true });
  await nodeA.nodes.register(a, 10);
  await nodeB.nodes.register(cloud, 10);
  assert.deepEqual(await nodeB.nodes.list(), [cloud, a]);
  assert.deepEqual(await nodeA.nodes.list(), [cloud, a]);
});

Deno.test("EtcdRegistry.nodes.register() refuses malformed nodes and TTLs", () =>
  onNewEtcdRegistry((registry) => contract.assertRefusesMalformedNodes(registry.nodes)));

Deno.test("EtcdRegistry.nodes.watch() after nodes.list() misses no change", async () => {
  await using etcd = await startEtcd();
  await using nodeA = await EtcdRegistry.open(etcd.address);
  await using nodeB = await EtcdRegistry.open(etcd.address);
  await nodeA.nodes.register(node("old"), 10);
  assert.equal((await nodeB.nodes.list()).length, 1);
  const between = node("between");
  await nodeA.nodes.register(between, 10);
  const watch = collectNodeEvents(nodeB.nodes);
  await eventually(() => watch.events.length === 1);
  assert.deepEqual(watch.events, [{ type: "put", node: between }]);
  watch.stop();
});

Deno.test("EtcdRegistry.nodes.watch() ignores keys that are not node records", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  await using other = await EtcdRegistry.open(etcd.address);
  const watch = collectNodeEvents(registry.nodes);
  const client = new Etcd3({ hosts: etcd.address });
  try {
    await client.put("/registry/ROME/edge").value("{}");
    await client.put("/registry/ROME/other/x").value(JSON.stringify(node("x")));
    await client.put("/registry/ROME/edge/y").value("not json");
    await client.put("/registry/ROME/edge/z").value(JSON.stringify(node("other-id")));
    await client.delete().key("/registry/ROME/other/x");
  } finally {
    client.close();
  }
  await other.nodes.register(node("a"), 10);
  await eventually(() => watch.events.length === 1);
  assert.deepEqual(watch.events, [{ type: "put", node: node("a") }]);
  assert.deepEqual(await registry.nodes.list(), [node("a")]);
  watch.stop();
});

Deno.test("EtcdRegistry drops a killed node within its lease TTL", async () => {
  await using etcd = await startEtcd();
  await using observer = await EtcdRegistry.open(etcd.address);
  const watch = collectNodeEvents(observer.nodes);
  const child = await spawnRegisteredNode(etcd.address, node("doomed"), 2);
  try {
    await eventually(() => watch.events.length === 1);
    assert.deepEqual(watch.events, [{ type: "put", node: node("doomed") }]);
    await sleep(2_500); // alive longer than its TTL: the keepalive works
    assert.ok(await listsNode(observer.nodes, "doomed"));
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
  const killed = Date.now();
  await eventually(() => watch.events.length === 2, 4_000);
  const took = Date.now() - killed;
  console.log(`Killed node with TTL 2 s disappeared after ${took} ms`);
  assert.deepEqual(watch.events[1], { type: "delete", id: "doomed" });
  assert.deepEqual(await observer.nodes.list(), []);
  watch.stop();
});

import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { PayloadTooLargeError, UnavailableError } from "../errors.ts";
import { startEtcd } from "../testing/etcd.ts";
import * as contract from "../testing/registry_contract.ts";
import {
  collectFunctionEvents,
  collectNodeEvents,
  definition,
  eventually,
  node,
} from "../testing/registry_contract.ts";
import { sleep } from "../timing/sleep.ts";
import { etcdHost } from "./etcd/connection.ts";
import { EtcdRegistry } from "./etcd.ts";
import type { NodeRecord } from "./registry.ts";

/** Runs `check` on a registry of its own, on an etcd of its own. */
async function onNewRegistry(check: (registry: EtcdRegistry) => Promise<void>): Promise<void> {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  await check(registry);
}

/** Whether `registry` lists a node with id `id`. */
async function lists(registry: EtcdRegistry, id: string): Promise<boolean> {
  return (await registry.nodes.list()).some((node) => node.Id === id);
}

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
    import { EtcdRegistry } from ${JSON.stringify(import.meta.resolve("./etcd.ts"))};
    const registry = await EtcdRegistry.open(${JSON.stringify(address)});
    await registry.nodes.register(${JSON.stringify(record)}, ${ttlSeconds});
    console.log("registered");
    setInterval(() => {}, 60_000);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    cwd: new URL("../../", import.meta.url),
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

Deno.test("etcdHost() accepts host:port and http(s) URLs", () => {
  assert.equal(etcdHost("127.0.0.1:2379"), "127.0.0.1:2379");
  assert.equal(etcdHost(" localhost:1234 "), "localhost:1234");
  assert.equal(etcdHost("http://127.0.0.1:2379/"), "127.0.0.1:2379");
  assert.equal(etcdHost("https://etcd.example:2379"), "https://etcd.example:2379");
  assert.equal(etcdHost("127.0.0.1"), "127.0.0.1:2379");
  for (const bad of ["", "ftp://h:1", "http://h:1/path", "h:port"]) {
    assert.throws(() => etcdHost(bad), TypeError, bad);
  }
});

Deno.test("EtcdRegistry.open() fails promptly where nothing listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const address = `127.0.0.1:${listener.addr.port}`;
  listener.close();
  const started = Date.now();
  const error = await EtcdRegistry.open(address).catch((error) => error);
  assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
  assert.ok(error instanceof UnavailableError);
  assert.equal(error.status, 503);
  assert.match(error.message, new RegExp(`^Registry "etcd" at "${address}" is unavailable: .+`));
});

Deno.test("EtcdRegistry.open() fails within its timeout when etcd does not answer", async () => {
  using silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const address = `127.0.0.1:${silent.addr.port}`;
  const started = Date.now();
  const error = await EtcdRegistry.open(address, { timeoutMs: 300 }).catch((error) => error);
  assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
  assert.ok(error instanceof UnavailableError);
  assert.match(error.message, new RegExp(`^Registry "etcd" at "${address}" is unavailable: `));
});

Deno.test("EtcdRegistry creates, updates, deletes and lists functions", () =>
  onNewRegistry(async (registry) => {
    assert.equal(registry.kind, "etcd");
    await contract.assertFunctionCrud(registry.functions);
    await assert.rejects(registry.functions.create(definition("a/b")), TypeError);
  }));

Deno.test("EtcdRegistry stores large definitions and refuses too large ones", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  const large = definition("large", { TarFunctionCode: "l".repeat(1_000_000) });
  assert.equal(await registry.functions.create(large), true);
  assert.deepEqual(await registry.functions.list(), [large]);
  const huge = definition("huge", { TarFunctionCode: "h".repeat(2_000_000) });
  await assert.rejects(registry.functions.create(huge), PayloadTooLargeError);
});

Deno.test("EtcdRegistry.functions.watch() sees the changes of every node", async () => {
  await using etcd = await startEtcd();
  await using node1 = await EtcdRegistry.open(etcd.address);
  await using node2 = await EtcdRegistry.open(etcd.address);
  await contract.assertWatchFunctions(node2.functions, node1.functions);
});

Deno.test("EtcdRegistry.functions.watch() after functions.list() misses no change", async () => {
  await using etcd = await startEtcd();
  await using node1 = await EtcdRegistry.open(etcd.address);
  await using node2 = await EtcdRegistry.open(etcd.address);
  await node2.functions.create(definition("old"));
  assert.equal((await node1.functions.list()).length, 1);
  const between = definition("between");
  await node2.functions.create(between);
  const watch = collectFunctionEvents(node1.functions);
  await eventually(() => watch.events.length === 1);
  assert.deepEqual(watch.events, [{ type: "put", definition: between }]);
  watch.stop();
});

Deno.test("EtcdRegistry stores async entries under a lease", () =>
  onNewRegistry(async (registry) => {
    await contract.assertAsyncEntries(registry.async);
    await contract.assertAsyncEntriesExpire(registry.async, 1, 5_000);
  }));

Deno.test("EtcdRegistry.async.listPending() lists the pending entries of a node", () =>
  onNewRegistry((registry) => contract.assertPendingAsync(registry.async)));

Deno.test("EtcdRegistry survives an etcd restart", async () => {
  await using etcd = await startEtcd();
  await using node1 = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  await using node2 = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  const watch = collectFunctionEvents(node1.functions);
  const a = definition("a");
  await node2.functions.create(a);
  await eventually(() => watch.events.length === 1);

  await etcd.stop();
  const started = Date.now();
  await assert.rejects(node2.functions.list(), UnavailableError);
  await assert.rejects(node1.functions.create(definition("down")), UnavailableError);
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  await sleep(1_500); // let the watch fail to reconnect a few times

  await etcd.start();
  const b = definition("b");
  await eventually(() => node2.functions.create(b).then(() => true, () => false));
  await eventually(() => watch.events.length === 2);
  assert.deepEqual(watch.events, [{ type: "put", definition: a }, { type: "put", definition: b }]);
  assert.deepEqual(await node1.functions.list(), [a, b]);
  watch.stop();
});

Deno.test("EtcdRegistry.close() does not wait for a dead etcd", async () => {
  await using etcd = await startEtcd();
  const registry = await EtcdRegistry.open(etcd.address);
  collectFunctionEvents(registry.functions);
  await etcd.stop();
  const started = Date.now();
  await registry.close();
  assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
});

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
  onNewRegistry((registry) => contract.assertRefusesMalformedNodes(registry.nodes)));

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
    assert.ok(await lists(observer, "doomed"));
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

Deno.test("EtcdRegistry keeps a node registered across a short etcd restart", async () => {
  await using etcd = await startEtcd();
  await using nodeA = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  await using nodeB = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  const watch = collectNodeEvents(nodeB.nodes);
  await nodeA.nodes.register(node("a"), 2);
  await eventually(() => watch.events.length === 1);

  await etcd.restart();
  await sleep(6_000); // three TTLs: the lease must have been kept alive (or renewed)
  assert.ok(await lists(nodeB, "a"));
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
  await eventually(() => lists(nodeB, "a").catch(() => false), 10_000);
  // Registered again under a new lease (a put after the outage), kept alive from then on.
  await eventually(() => watch.events.filter((e) => e.type === "put").length >= 2, 10_000);
  console.log(`Registered again ${Date.now() - back} ms after etcd came back`);
  await sleep(6_000);
  assert.ok(await lists(nodeB, "a"));
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
  await eventually(async () => !await lists(nodeB, "a").catch(() => true), 10_000);
});

Deno.test("EtcdRegistry.close() revokes the leases of nodes still registered", async () => {
  await using etcd = await startEtcd();
  await using observer = await EtcdRegistry.open(etcd.address);
  const registry = await EtcdRegistry.open(etcd.address);
  await registry.nodes.register(node("a"), 30);
  assert.ok(await lists(observer, "a"));
  await registry.close();
  assert.deepEqual(await observer.nodes.list(), []);
});

Deno.test("EtcdRegistry.close() stops keepalives without waiting for a dead etcd", async () => {
  await using etcd = await startEtcd();
  const registry = await EtcdRegistry.open(etcd.address);
  await registry.nodes.register(node("a"), 2);
  collectNodeEvents(registry.nodes);
  await etcd.stop();
  const started = Date.now();
  await registry.close();
  assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
});

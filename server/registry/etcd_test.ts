import assert from "node:assert/strict";
import type { FunctionDefinition } from "../functions/function.ts";
import { PayloadTooLargeError, UnavailableError } from "../errors.ts";
import { startEtcd } from "../testing/etcd.ts";
import { etcdHost, EtcdRegistry } from "./etcd.ts";
import type { AsyncEntry, FunctionEvent } from "./registry.ts";

function definition(name: string, overrides: Partial<FunctionDefinition> = {}) {
  return {
    Name: name,
    Runtime: "python311",
    MemoryMB: 128,
    CPUDemand: 0,
    Handler: "f.handler",
    TarFunctionCode: btoa("code of " + name),
    CustomImage: "",
    MaxConcurrency: 1,
    Timeout: 60,
    Version: crypto.randomUUID(),
    ...overrides,
  } satisfies FunctionDefinition;
}

const pending = (Node: string): AsyncEntry => ({
  Status: "pending",
  Node,
  Function: "f",
  Since: 1,
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition()` holds, failing after `timeoutMs`. */
async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!await condition()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await delay(50);
  }
}

/** Collects the events of a watch. */
function collect(registry: EtcdRegistry): { events: FunctionEvent[]; stop: () => void } {
  const events: FunctionEvent[] = [];
  const stop = registry.watchFunctions((event) => events.push(event));
  return { events, stop };
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

Deno.test("EtcdRegistry creates, updates, deletes and lists functions", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  assert.equal(registry.kind, "etcd");
  const a = definition("a");
  const b = definition("b");
  assert.equal(await registry.createFunction(b), true);
  assert.equal(await registry.createFunction(a), true);
  assert.equal(await registry.createFunction(definition("a", { MemoryMB: 1 })), false);
  assert.deepEqual(await registry.listFunctions(), [a, b]);

  const a2 = definition("a", { MemoryMB: 256, TarFunctionCode: btoa("new code") });
  assert.equal(await registry.updateFunction(a2), true);
  assert.equal(await registry.updateFunction(definition("missing")), false);
  assert.deepEqual(await registry.listFunctions(), [a2, b]);

  assert.equal(await registry.deleteFunction("b"), true);
  assert.equal(await registry.deleteFunction("b"), false);
  assert.deepEqual(await registry.listFunctions(), [a2]);
  await assert.rejects(registry.createFunction(definition("a/b")), TypeError);
});

Deno.test("EtcdRegistry stores large definitions and refuses too large ones", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  const large = definition("large", { TarFunctionCode: "l".repeat(1_000_000) });
  assert.equal(await registry.createFunction(large), true);
  assert.deepEqual(await registry.listFunctions(), [large]);
  const huge = definition("huge", { TarFunctionCode: "h".repeat(2_000_000) });
  await assert.rejects(registry.createFunction(huge), PayloadTooLargeError);
});

Deno.test("EtcdRegistry.watchFunctions() sees the changes of every node", async () => {
  await using etcd = await startEtcd();
  await using node1 = await EtcdRegistry.open(etcd.address);
  await using node2 = await EtcdRegistry.open(etcd.address);
  const watch = collect(node1);
  const a = definition("a");
  const a2 = definition("a", { MemoryMB: 512 });
  const b = definition("b");
  await node2.createFunction(a);
  await node2.createFunction(a);
  await node2.updateFunction(a2);
  await node2.deleteFunction("a");
  await node1.createFunction(b);
  const expected = [
    { type: "put", definition: a },
    { type: "put", definition: a2 },
    { type: "delete", name: "a" },
    { type: "put", definition: b },
  ];
  await eventually(() => watch.events.length >= expected.length);
  assert.deepEqual(watch.events, expected);

  watch.stop();
  await node2.deleteFunction("b");
  await delay(200);
  assert.equal(watch.events.length, expected.length);
});

Deno.test("EtcdRegistry.watchFunctions() after listFunctions() misses no change", async () => {
  await using etcd = await startEtcd();
  await using node1 = await EtcdRegistry.open(etcd.address);
  await using node2 = await EtcdRegistry.open(etcd.address);
  await node2.createFunction(definition("old"));
  assert.equal((await node1.listFunctions()).length, 1);
  const between = definition("between");
  await node2.createFunction(between);
  const watch = collect(node1);
  await eventually(() => watch.events.length === 1);
  assert.deepEqual(watch.events, [{ type: "put", definition: between }]);
  watch.stop();
});

Deno.test("EtcdRegistry stores async entries under a lease", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  const done: AsyncEntry = { Status: "done", Node: "n1", Function: "f", Report: { Result: "1" } };
  await registry.putAsync("f-1", pending("n1"), 60);
  assert.deepEqual(await registry.getAsync("f-1"), pending("n1"));
  await registry.putAsync("f-1", done, 60);
  assert.deepEqual(await registry.getAsync("f-1"), done);
  assert.equal(await registry.getAsync("f-2"), undefined);
  await assert.rejects(registry.putAsync("f-3", done, 0), RangeError);

  await registry.putAsync("f-short", done, 1);
  assert.deepEqual(await registry.getAsync("f-short"), done);
  await eventually(async () => await registry.getAsync("f-short") === undefined, 6_000);
  assert.deepEqual(await registry.getAsync("f-1"), done);
});

Deno.test("EtcdRegistry.listPendingAsync() lists the pending entries of a node", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  await registry.putAsync("f-1", pending("n1"), 60);
  await registry.putAsync("f-2", pending("n2"), 60);
  await registry.putAsync("f-3", { ...pending("n1"), Status: "done", Report: {} }, 60);
  await registry.putAsync("f-4", pending("n1"), 60);
  assert.deepEqual(await registry.listPendingAsync("n1"), ["f-1", "f-4"]);
  assert.deepEqual(await registry.listPendingAsync("n3"), []);
});

Deno.test("EtcdRegistry survives an etcd restart", async () => {
  await using etcd = await startEtcd();
  await using node1 = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  await using node2 = await EtcdRegistry.open(etcd.address, { timeoutMs: 2_000 });
  const watch = collect(node1);
  const a = definition("a");
  await node2.createFunction(a);
  await eventually(() => watch.events.length === 1);

  await etcd.stop();
  const started = Date.now();
  await assert.rejects(node2.listFunctions(), UnavailableError);
  await assert.rejects(node1.createFunction(definition("down")), UnavailableError);
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  await delay(1_500); // let the watch fail to reconnect a few times

  await etcd.start();
  const b = definition("b");
  await eventually(() => node2.createFunction(b).then(() => true, () => false));
  await eventually(() => watch.events.length === 2);
  assert.deepEqual(watch.events, [{ type: "put", definition: a }, { type: "put", definition: b }]);
  assert.deepEqual(await node1.listFunctions(), [a, b]);
  watch.stop();
});

Deno.test("EtcdRegistry.close() does not wait for a dead etcd", async () => {
  await using etcd = await startEtcd();
  const registry = await EtcdRegistry.open(etcd.address);
  collect(registry);
  await etcd.stop();
  const started = Date.now();
  await registry.close();
  assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
});

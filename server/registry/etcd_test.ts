import assert from "node:assert/strict";
import { UnavailableError } from "../errors.ts";
import { startEtcd } from "../testing/etcd.ts";
import {
  collectFunctionEvents,
  collectNodeEvents,
  definition,
  node,
} from "../testing/registry_contract.ts";
import { eventually } from "../testing/until.ts";
import { listsNode } from "../testing/registry_fixtures.ts";
import { sleep } from "../timing/sleep.ts";
import { EtcdRegistry } from "./etcd.ts";

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

Deno.test("EtcdRegistry.close() revokes the leases of nodes still registered", async () => {
  await using etcd = await startEtcd();
  await using observer = await EtcdRegistry.open(etcd.address);
  const registry = await EtcdRegistry.open(etcd.address);
  await registry.nodes.register(node("a"), 30);
  assert.ok(await listsNode(observer.nodes, "a"));
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

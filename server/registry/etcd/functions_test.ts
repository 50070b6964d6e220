import assert from "node:assert/strict";
import { PayloadTooLargeError } from "../../errors.ts";
import { startEtcd } from "../../testing/etcd.ts";
import * as contract from "../../testing/registry_contract.ts";
import { collectFunctionEvents, definition, eventually } from "../../testing/registry_contract.ts";
import { onNewEtcdRegistry } from "../../testing/registry_fixtures.ts";
import { EtcdRegistry } from "../etcd.ts";

Deno.test("EtcdRegistry creates, updates, deletes and lists functions", () =>
  onNewEtcdRegistry(async (registry) => {
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

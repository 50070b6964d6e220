import assert from "node:assert/strict";
import * as contract from "../../testing/registry_contract.ts";
import { collectNodeEvents, node } from "../../testing/registry_contract.ts";
import {
  mutingConsoleErrors,
  onNewEmbeddedRegistry,
  tempDir,
} from "../../testing/registry_fixtures.ts";
import { EmbeddedRegistry } from "../embedded.ts";

Deno.test("EmbeddedRegistry registers, lists, watches and unregisters nodes", () =>
  onNewEmbeddedRegistry(async (registry) => {
    // A watcher that throws is logged, and keeps neither the others nor the change from happening.
    const stopFaulty = registry.nodes.watch(() => {
      throw new Error("watcher bug");
    });
    const logged = await mutingConsoleErrors(() => contract.assertNodeMembership(registry.nodes));
    assert.ok(logged.length > 0 && logged.every(([message]) => message === "Node watcher failed:"));
    stopFaulty();
  }));

Deno.test("EmbeddedRegistry.nodes.register() of a registered id replaces it; the old unregister no longer applies", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  const watch = collectNodeEvents(registry.nodes);
  const b = node("b", { Cloud: true });
  const a = node("a");
  await registry.nodes.register(b, 20);
  const unregisterA = await registry.nodes.register(a, 20);
  assert.deepEqual(await registry.nodes.list(), [a, b]); // ordered by id, whatever the kind

  const a2 = node("a", { Url: "http://127.0.0.1:9999" });
  const unregisterA2 = await registry.nodes.register(a2, 20);
  await unregisterA();
  assert.deepEqual(await registry.nodes.list(), [a2, b]);
  await unregisterA2();
  assert.deepEqual(await registry.nodes.list(), [b]);
  assert.deepEqual(watch.events, [
    { type: "put", node: b },
    { type: "put", node: a },
    { type: "put", node: a2 },
    { type: "delete", id: "a" },
  ]);
  watch.stop();
});

Deno.test("EmbeddedRegistry.nodes.register() refuses malformed nodes and TTLs", () =>
  onNewEmbeddedRegistry((registry) => contract.assertRefusesMalformedNodes(registry.nodes)));

Deno.test("EmbeddedRegistry does not keep registered nodes across a restart", async () => {
  await using dir = await tempDir();
  const registry = await EmbeddedRegistry.open(dir.path);
  await registry.nodes.register(node("a"), 20);
  await registry.close();
  await using reopened = await EmbeddedRegistry.open(dir.path);
  assert.deepEqual(await reopened.nodes.list(), []);
});

import assert from "node:assert/strict";
import { join } from "node:path";
import * as contract from "../../testing/registry_contract.ts";
import { definition } from "../../testing/registry_contract.ts";
import {
  mutingConsoleErrors,
  onNewEmbeddedRegistry,
  tempDir,
} from "../../testing/registry_fixtures.ts";
import { EmbeddedRegistry } from "../embedded.ts";
import { EMBEDDED_REGISTRY_FILE } from "./kv_file.ts";

/** Counts the code chunks stored in the KV file of `dir` (opened separately). */
async function countCodeChunks(dir: string): Promise<number> {
  using kv = await Deno.openKv(join(dir, EMBEDDED_REGISTRY_FILE));
  let count = 0;
  for await (const _ of kv.list({ prefix: ["function_code"] })) count++;
  return count;
}

Deno.test("EmbeddedRegistry creates, updates, deletes and lists functions", () =>
  onNewEmbeddedRegistry((registry) => contract.assertFunctionCrud(registry.functions)));

Deno.test("EmbeddedRegistry keeps definitions across reopening", async () => {
  await using dir = await tempDir();
  const a = definition("a");
  {
    await using registry = await EmbeddedRegistry.open(dir.path);
    await registry.functions.create(a);
  }
  await using registry = await EmbeddedRegistry.open(dir.path);
  assert.deepEqual(await registry.functions.list(), [a]);
});

Deno.test("EmbeddedRegistry stores code larger than a KV value", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  const medium = definition("medium", { TarFunctionCode: "m".repeat(300_000) });
  const large = definition("large", { TarFunctionCode: "l".repeat(1_500_000) + "end" });
  const empty = definition("empty", { TarFunctionCode: "" });
  assert.equal(await registry.functions.create(medium), true);
  assert.equal(await registry.functions.create(large), true);
  assert.equal(await registry.functions.create(empty), true);
  assert.equal(await registry.functions.create(large), false);
  assert.deepEqual(await registry.functions.list(), [empty, large, medium]);
  assert.equal(await countCodeChunks(dir.path), 5 + 26);

  const smaller = definition("large", { TarFunctionCode: "s".repeat(70_000) });
  assert.equal(await registry.functions.update(smaller), true);
  assert.deepEqual(await registry.functions.list(), [empty, smaller, medium]);
  assert.equal(await countCodeChunks(dir.path), 5 + 2);

  await registry.functions.delete("medium");
  await registry.functions.delete("large");
  assert.equal(await countCodeChunks(dir.path), 0);
});

Deno.test("EmbeddedRegistry.open() removes code chunks no definition refers to", async () => {
  await using dir = await tempDir();
  {
    await using registry = await EmbeddedRegistry.open(dir.path);
    await registry.functions.create(definition("a"));
  }
  {
    using kv = await Deno.openKv(join(dir.path, EMBEDDED_REGISTRY_FILE));
    await kv.set(["function_code", "a", "orphan", 0], "x");
    await kv.set(["function_code", "gone", "orphan", 0], "x");
  }
  assert.equal(await countCodeChunks(dir.path), 3);
  await using registry = await EmbeddedRegistry.open(dir.path);
  assert.equal(await countCodeChunks(dir.path), 1);
  assert.equal((await registry.functions.list()).length, 1);
});

Deno.test("EmbeddedRegistry.functions.watch() sees every change until stopped", () =>
  onNewEmbeddedRegistry(async (registry) => {
    // A watcher that throws is logged, and keeps neither the others nor the change from happening.
    const stopFaulty = registry.functions.watch(() => {
      throw new Error("faulty watcher");
    });
    const logged = await mutingConsoleErrors(() =>
      contract.assertWatchFunctions(registry.functions)
    );
    assert.ok(
      logged.length > 0 && logged.every(([message]) => message === "Function watcher failed:"),
    );
    stopFaulty();
  }));

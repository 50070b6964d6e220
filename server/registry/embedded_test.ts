import assert from "node:assert/strict";
import { join } from "node:path";
import { UnavailableError } from "../errors.ts";
import * as contract from "../testing/registry_contract.ts";
import { collectNodeEvents, definition, node, pendingEntry } from "../testing/registry_contract.ts";
import { sleep } from "../timing/sleep.ts";
import { EmbeddedRegistry } from "./embedded.ts";
import { EMBEDDED_REGISTRY_FILE } from "./embedded/kv_file.ts";

async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "registry-test-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** Counts the code chunks stored in the KV file of `dir` (opened separately). */
async function countCodeChunks(dir: string): Promise<number> {
  using kv = await Deno.openKv(join(dir, EMBEDDED_REGISTRY_FILE));
  let count = 0;
  for await (const _ of kv.list({ prefix: ["function_code"] })) count++;
  return count;
}

/** Runs `check` on a registry of its own, in a temporary directory removed afterwards. */
async function onNewRegistry(check: (registry: EmbeddedRegistry) => Promise<void>): Promise<void> {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  await check(registry);
}

/** Runs `body` with `console.error` muted; resolves the arguments of the muted calls. */
async function mutingConsoleErrors(body: () => Promise<void>): Promise<unknown[][]> {
  const error = console.error;
  const logged: unknown[][] = [];
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    await body();
  } finally {
    console.error = error;
  }
  return logged;
}

Deno.test("EmbeddedRegistry.open() creates the directory and the file", async () => {
  await using dir = await tempDir();
  const nested = join(dir.path, "a", "b");
  await using registry = await EmbeddedRegistry.open(nested);
  assert.equal(registry.kind, "embedded");
  assert.equal(registry.path, join(nested, "registry.kv"));
  assert.ok((await Deno.stat(registry.path)).isFile);
});

Deno.test("EmbeddedRegistry creates, updates, deletes and lists functions", () =>
  onNewRegistry((registry) => contract.assertFunctionCrud(registry.functions)));

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
  onNewRegistry(async (registry) => {
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

Deno.test("EmbeddedRegistry stores async entries with their TTL", () =>
  onNewRegistry(async (registry) => {
    await contract.assertAsyncEntries(registry.async);
    await contract.assertAsyncEntriesExpire(registry.async, 0.1, 50);

    // The TTL is also given to Deno KV, which removes the entry once expired.
    const set = Deno.Kv.prototype.set;
    const options: unknown[] = [];
    Deno.Kv.prototype.set = function (key, value, opts) {
      options.push(opts);
      return set.call(this, key, value, opts);
    };
    try {
      await registry.async.put("f-kv", pendingEntry("n1"), 60);
    } finally {
      Deno.Kv.prototype.set = set;
    }
    assert.deepEqual(options, [{ expireIn: 60_000 }]);
  }));

Deno.test("EmbeddedRegistry.async.listPending() lists the pending entries of a node", () =>
  onNewRegistry(async (registry) => {
    await contract.assertPendingAsync(registry.async);
    // Expired pending entries are not listed.
    const listed = await registry.async.listPending("n1");
    await registry.async.put("f-expired", pendingEntry("n1"), 0.01);
    await sleep(30);
    assert.deepEqual(await registry.async.listPending("n1"), listed);
  }));

Deno.test("EmbeddedRegistry fails with UnavailableError when the file cannot be used", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "file");
  await Deno.writeTextFile(file, "");
  const error = await EmbeddedRegistry.open(join(file, "sub")).catch((error) => error);
  assert.ok(error instanceof UnavailableError);
  assert.equal(error.status, 503);
  assert.match(error.message, /^Registry "embedded" at ".*registry\.kv" is unavailable: /);

  const registry = await EmbeddedRegistry.open(dir.path);
  await registry.close();
  await assert.rejects(registry.functions.list(), UnavailableError);
});

Deno.test("EmbeddedRegistry registers, lists, watches and unregisters nodes", () =>
  onNewRegistry(async (registry) => {
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
  onNewRegistry((registry) => contract.assertRefusesMalformedNodes(registry.nodes)));

Deno.test("EmbeddedRegistry does not keep registered nodes across a restart", async () => {
  await using dir = await tempDir();
  const registry = await EmbeddedRegistry.open(dir.path);
  await registry.nodes.register(node("a"), 20);
  await registry.close();
  await using reopened = await EmbeddedRegistry.open(dir.path);
  assert.deepEqual(await reopened.nodes.list(), []);
});

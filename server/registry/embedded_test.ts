import assert from "node:assert/strict";
import { join } from "node:path";
import type { FunctionDefinition } from "../functions/function.ts";
import { UnavailableError } from "../errors.ts";
import { EMBEDDED_REGISTRY_FILE, EmbeddedRegistry } from "./embedded.ts";
import type { FunctionEvent, NodeEvent, NodeRecord } from "./registry.ts";

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

Deno.test("EmbeddedRegistry.open() creates the directory and the file", async () => {
  await using dir = await tempDir();
  const nested = join(dir.path, "a", "b");
  await using registry = await EmbeddedRegistry.open(nested);
  assert.equal(registry.kind, "embedded");
  assert.equal(registry.path, join(nested, "registry.kv"));
  assert.ok((await Deno.stat(registry.path)).isFile);
});

Deno.test("EmbeddedRegistry creates, updates, deletes and lists functions", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
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
});

Deno.test("EmbeddedRegistry keeps definitions across reopening", async () => {
  await using dir = await tempDir();
  const a = definition("a");
  {
    await using registry = await EmbeddedRegistry.open(dir.path);
    await registry.createFunction(a);
  }
  await using registry = await EmbeddedRegistry.open(dir.path);
  assert.deepEqual(await registry.listFunctions(), [a]);
});

Deno.test("EmbeddedRegistry stores code larger than a KV value", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  const medium = definition("medium", { TarFunctionCode: "m".repeat(300_000) });
  const large = definition("large", { TarFunctionCode: "l".repeat(1_500_000) + "end" });
  const empty = definition("empty", { TarFunctionCode: "" });
  assert.equal(await registry.createFunction(medium), true);
  assert.equal(await registry.createFunction(large), true);
  assert.equal(await registry.createFunction(empty), true);
  assert.equal(await registry.createFunction(large), false);
  assert.deepEqual(await registry.listFunctions(), [empty, large, medium]);
  assert.equal(await countCodeChunks(dir.path), 5 + 26);

  const smaller = definition("large", { TarFunctionCode: "s".repeat(70_000) });
  assert.equal(await registry.updateFunction(smaller), true);
  assert.deepEqual(await registry.listFunctions(), [empty, smaller, medium]);
  assert.equal(await countCodeChunks(dir.path), 5 + 2);

  await registry.deleteFunction("medium");
  await registry.deleteFunction("large");
  assert.equal(await countCodeChunks(dir.path), 0);
});

Deno.test("EmbeddedRegistry.open() removes code chunks no definition refers to", async () => {
  await using dir = await tempDir();
  {
    await using registry = await EmbeddedRegistry.open(dir.path);
    await registry.createFunction(definition("a"));
  }
  {
    using kv = await Deno.openKv(join(dir.path, EMBEDDED_REGISTRY_FILE));
    await kv.set(["function_code", "a", "orphan", 0], "x");
    await kv.set(["function_code", "gone", "orphan", 0], "x");
  }
  assert.equal(await countCodeChunks(dir.path), 3);
  await using registry = await EmbeddedRegistry.open(dir.path);
  assert.equal(await countCodeChunks(dir.path), 1);
  assert.equal((await registry.listFunctions()).length, 1);
});

Deno.test("EmbeddedRegistry.watchFunctions() sees every change until stopped", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  const events: FunctionEvent[] = [];
  const stop = registry.watchFunctions((event) => events.push(event));
  const stopFaulty = registry.watchFunctions(() => {
    throw new Error("faulty watcher");
  });
  const a = definition("a");
  const a2 = definition("a", { MemoryMB: 512 });
  const error = console.error;
  console.error = () => {};
  try {
    await registry.createFunction(a);
    await registry.createFunction(a);
    await registry.updateFunction(a2);
    await registry.updateFunction(definition("missing"));
    await registry.deleteFunction("a");
    await registry.deleteFunction("a");
  } finally {
    console.error = error;
  }
  assert.deepEqual(events, [
    { type: "put", definition: a },
    { type: "put", definition: a2 },
    { type: "delete", name: "a" },
  ]);
  stop();
  stopFaulty();
  await registry.createFunction(definition("b"));
  assert.equal(events.length, 3);
});

Deno.test("EmbeddedRegistry stores async entries with their TTL", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  const pending = { Status: "pending", Node: "n1", Function: "f", Since: 1 } as const;
  const done = { Status: "done", Node: "n1", Function: "f", Report: { Success: true } } as const;

  const set = Deno.Kv.prototype.set;
  const options: unknown[] = [];
  Deno.Kv.prototype.set = function (key, value, opts) {
    options.push(opts);
    return set.call(this, key, value, opts);
  };
  try {
    await registry.putAsync("f-1", pending, 60);
  } finally {
    Deno.Kv.prototype.set = set;
  }
  assert.deepEqual(options, [{ expireIn: 60_000 }]);
  assert.deepEqual(await registry.getAsync("f-1"), pending);

  await registry.putAsync("f-1", done, 60);
  assert.deepEqual(await registry.getAsync("f-1"), done);
  assert.equal(await registry.getAsync("f-2"), undefined);

  await registry.putAsync("f-3", pending, 0.05);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(await registry.getAsync("f-3"), undefined);
  await assert.rejects(registry.putAsync("f-4", pending, 0), RangeError);
});

Deno.test("EmbeddedRegistry.listPendingAsync() lists the pending entries of a node", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  const pending = (Node: string) => ({ Status: "pending", Node, Function: "f", Since: 1 }) as const;
  await registry.putAsync("f-1", pending("n1"), 60);
  await registry.putAsync("f-2", pending("n2"), 60);
  await registry.putAsync("f-3", { ...pending("n1"), Status: "done", Report: {} }, 60);
  await registry.putAsync("f-4", pending("n1"), 60);
  await registry.putAsync("f-5", pending("n1"), 0.01);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.deepEqual(await registry.listPendingAsync("n1"), ["f-1", "f-4"]);
  assert.deepEqual(await registry.listPendingAsync("n3"), []);
});

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
  await assert.rejects(registry.listFunctions(), UnavailableError);
});

function node(Id: string, overrides: Partial<NodeRecord> = {}): NodeRecord {
  return { Id, Url: `http://127.0.0.1:1323/${Id}`, Area: "ROME", Cloud: false, ...overrides };
}

Deno.test("EmbeddedRegistry registers, lists, watches and unregisters nodes", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  assert.deepEqual(await registry.listNodes(), []);
  const events: NodeEvent[] = [];
  const stop = registry.watchNodes((event) => events.push(event));
  const stopFaulty = registry.watchNodes(() => {
    throw new Error("watcher bug");
  });
  const b = node("b", { Cloud: true });
  const a = node("a");
  const unregisterB = await registry.registerNode(b, 20);
  const unregisterA = await registry.registerNode(a, 20);
  assert.deepEqual(await registry.listNodes(), [a, b]);
  assert.deepEqual(events, [{ type: "put", node: b }, { type: "put", node: a }]);

  await unregisterB();
  await unregisterB(); // twice is harmless
  assert.deepEqual(await registry.listNodes(), [a]);
  assert.deepEqual(events.slice(2), [{ type: "delete", id: "b" }]);

  // Registering the same id again replaces the record; the old unregister no longer applies.
  const a2 = node("a", { Url: "http://127.0.0.1:9999" });
  const unregisterA2 = await registry.registerNode(a2, 20);
  await unregisterA();
  assert.deepEqual(await registry.listNodes(), [a2]);
  assert.deepEqual(events.slice(3), [{ type: "put", node: a2 }]);

  stop();
  stopFaulty();
  await unregisterA2();
  assert.equal(events.length, 4);
  assert.deepEqual(await registry.listNodes(), []);
});

Deno.test("EmbeddedRegistry.registerNode() refuses malformed nodes and TTLs", async () => {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  await assert.rejects(registry.registerNode(node(""), 10), TypeError);
  await assert.rejects(registry.registerNode(node("a/b"), 10), /Node Id "a\/b" is invalid/);
  await assert.rejects(registry.registerNode(node("a", { Area: "" }), 10), TypeError);
  await assert.rejects(registry.registerNode(node("a"), -1), RangeError);
  assert.deepEqual(await registry.listNodes(), []);
});

Deno.test("EmbeddedRegistry does not keep registered nodes across a restart", async () => {
  await using dir = await tempDir();
  const registry = await EmbeddedRegistry.open(dir.path);
  await registry.registerNode(node("a"), 20);
  await registry.close();
  await using reopened = await EmbeddedRegistry.open(dir.path);
  assert.deepEqual(await reopened.listNodes(), []);
});

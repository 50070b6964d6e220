/**
 * The behaviour every registry backend must share, as assertions the backends' tests call on
 * the parts of their own registries ({@linkcode FunctionRegistry},
 * {@linkcode AsyncReportStore}, {@linkcode MembershipRegistry}), and the fixtures they use.
 *
 * Each `assert…` function starts from an empty registry and leaves behind what it stored.
 * Those that watch take a `writer` and a `watcher` (the same registry by default): with a
 * shared backend they may be two registries on the same store, so that the watcher sees the
 * changes of another node; the waits are then as long as the backend needs to deliver them.
 *
 * @example In a backend's tests
 * ```ts
 * import { assertFunctionCrud } from "./registry_contract.ts";
 * import { EmbeddedRegistry } from "../registry/embedded.ts";
 *
 * Deno.test("EmbeddedRegistry creates, updates, deletes and lists functions", async () => {
 *   await using registry = await EmbeddedRegistry.open(await Deno.makeTempDir());
 *   await assertFunctionCrud(registry.functions);
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import type { FunctionDefinition } from "../../protocol/function.ts";
import type { AsyncReportStore } from "../registry/async_report_store.ts";
import type { FunctionEvent, FunctionRegistry } from "../registry/function_registry.ts";
import type { MembershipRegistry, NodeEvent } from "../registry/membership_registry.ts";
import type { AsyncEntry, NodeRecord } from "../../protocol/registry.ts";
import { sleep } from "../timing/sleep.ts";
import { eventually } from "./until.ts";

/** A valid definition named `name` (with its own code and a fresh `Version`), then `overrides`. */
export function definition(
  name: string,
  overrides: Partial<FunctionDefinition> = {},
): FunctionDefinition {
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
    Signature: null,
    ...overrides,
  } satisfies FunctionDefinition;
}

/** An edge node record of area `ROME` with id `Id`, then `overrides`. */
export function node(Id: string, overrides: Partial<NodeRecord> = {}): NodeRecord {
  return { Id, Url: `http://127.0.0.1:1323/${Id}`, Area: "ROME", Cloud: false, ...overrides };
}

/** A pending async entry of function `f` started by node `Node`. */
export function pendingEntry(Node: string): AsyncEntry {
  return { Status: "pending", Node, Function: "f", Since: 1 };
}

/** A done async entry of function `f` run by node `Node`. */
export function doneEntry(Node: string): AsyncEntry {
  return { Status: "done", Node, Function: "f", Report: { Success: true, Result: "1" } };
}

/** Collects the function events `functions` sees from now on, until `stop()`. */
export function collectFunctionEvents(
  functions: FunctionRegistry,
): { events: FunctionEvent[]; stop: () => void } {
  const events: FunctionEvent[] = [];
  const stop = functions.watch((event) => events.push(event));
  return { events, stop };
}

/** Collects the membership events `nodes` sees from now on, until `stop()`. */
export function collectNodeEvents(
  nodes: MembershipRegistry,
): { events: NodeEvent[]; stop: () => void } {
  const events: NodeEvent[] = [];
  const stop = nodes.watch((event) => events.push(event));
  return { events, stop };
}

/**
 * Checks that functions are created only under a new name, updated only when they exist,
 * deleted once, listed by name with their code and `Signature`, and that an empty name is
 * refused.
 */
export async function assertFunctionCrud(functions: FunctionRegistry): Promise<void> {
  const a = definition("a");
  const b = definition("b");
  assert.equal(await functions.create(b), true);
  assert.equal(await functions.create(a), true);
  assert.equal(await functions.create(definition("a", { MemoryMB: 1 })), false);
  assert.deepEqual(await functions.list(), [a, b]);

  const a2 = definition("a", {
    MemoryMB: 256,
    TarFunctionCode: btoa("new code"),
    Signature: { Inputs: [{ Name: "n", Type: "Int" }], Outputs: [{ Name: "sum", Type: "Float" }] },
  });
  assert.equal(await functions.update(a2), true);
  assert.equal(await functions.update(definition("missing")), false);
  assert.deepEqual(await functions.list(), [a2, b]);

  assert.equal(await functions.delete("b"), true);
  assert.equal(await functions.delete("b"), false);
  assert.deepEqual(await functions.list(), [a2]);

  await assert.rejects(functions.create(definition("")), TypeError);
  assert.deepEqual(await functions.list(), [a2]);
}

/**
 * Checks that `watcher` sees every successful change, made by `writer` or by itself, in order
 * (refused creates, updates and deletes are not events), and nothing once stopped.
 */
export async function assertWatchFunctions(
  writer: FunctionRegistry,
  watcher: FunctionRegistry = writer,
): Promise<void> {
  const watch = collectFunctionEvents(watcher);
  const a = definition("a");
  const a2 = definition("a", { MemoryMB: 512 });
  const b = definition("b");
  await writer.create(a);
  await writer.create(a);
  await writer.update(a2);
  await writer.update(definition("missing"));
  await writer.delete("a");
  await writer.delete("a");
  await watcher.create(b);
  const expected: FunctionEvent[] = [
    { type: "put", definition: a },
    { type: "put", definition: a2 },
    { type: "delete", name: "a" },
    { type: "put", definition: b },
  ];
  await eventually(() => watch.events.length >= expected.length);
  assert.deepEqual(watch.events, expected);

  watch.stop();
  await writer.delete("b");
  await sleep(200);
  assert.equal(watch.events.length, expected.length);
}

/**
 * Checks that an async entry reads back as stored, is replaced by a later put under the same
 * id, that an unknown id reads as `undefined`, and that a TTL that is not positive is refused.
 */
export async function assertAsyncEntries(reports: AsyncReportStore): Promise<void> {
  const pending = pendingEntry("n1");
  const done = doneEntry("n1");
  await reports.put("f-1", pending, 60);
  assert.deepEqual(await reports.get("f-1"), pending);
  await reports.put("f-1", done, 60);
  assert.deepEqual(await reports.get("f-1"), done);
  assert.equal(await reports.get("f-2"), undefined);
  for (const ttl of [0, -1, Number.NaN]) {
    await assert.rejects(reports.put("f-3", done, ttl), RangeError, String(ttl));
  }
  assert.equal(await reports.get("f-3"), undefined);
}

/**
 * Checks that an async entry put with `ttlSeconds` reads back at once, reads as absent at the
 * latest `withinMs` after its TTL, and that an entry with a longer TTL stays meanwhile.
 */
export async function assertAsyncEntriesExpire(
  reports: AsyncReportStore,
  ttlSeconds: number,
  withinMs: number,
): Promise<void> {
  const done = doneEntry("n1");
  await reports.put("f-long", done, 60);
  await reports.put("f-short", done, ttlSeconds);
  assert.deepEqual(await reports.get("f-short"), done);
  const expired = async () => await reports.get("f-short") === undefined;
  await eventually(expired, ttlSeconds * 1000 + withinMs);
  assert.deepEqual(await reports.get("f-long"), done);
}

/** Checks that `listPending(node)` lists, by id, the pending entries of that node only. */
export async function assertPendingAsync(reports: AsyncReportStore): Promise<void> {
  await reports.put("f-1", pendingEntry("n1"), 60);
  await reports.put("f-2", pendingEntry("n2"), 60);
  await reports.put("f-3", doneEntry("n1"), 60);
  await reports.put("f-4", pendingEntry("n1"), 60);
  assert.deepEqual(await reports.listPending("n1"), ["f-1", "f-4"]);
  assert.deepEqual(await reports.listPending("n2"), ["f-2"]);
  assert.deepEqual(await reports.listPending("n3"), []);
}

/**
 * Checks that a node registered through `registering` or `observing` is listed by both and
 * seen by `observing`'s watch; that unregistering removes it at once (within 1 s) and twice
 * is harmless; and that a stopped watch sees nothing more.
 */
export async function assertNodeMembership(
  registering: MembershipRegistry,
  observing: MembershipRegistry = registering,
): Promise<void> {
  assert.deepEqual(await observing.list(), []);
  const watch = collectNodeEvents(observing);
  const a = node("a");
  const b = node("b", { Url: "http://127.0.0.1:9999" });
  const unregisterB = await registering.register(b, 10);
  const unregisterA = await observing.register(a, 10);
  assert.deepEqual(await registering.list(), [a, b]);
  assert.deepEqual(await observing.list(), [a, b]);
  await eventually(() => watch.events.length >= 2);
  assert.deepEqual(watch.events, [{ type: "put", node: b }, { type: "put", node: a }]);

  const started = Date.now();
  await unregisterB();
  await eventually(() => watch.events.length >= 3, 1_000);
  assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
  assert.deepEqual(watch.events.slice(2), [{ type: "delete", id: "b" }]);
  assert.deepEqual(await observing.list(), [a]);
  assert.deepEqual(await registering.list(), [a]);
  await unregisterB(); // twice is harmless

  watch.stop();
  await unregisterA();
  await sleep(200);
  assert.equal(watch.events.length, 3);
  assert.deepEqual(await registering.list(), []);
}

/**
 * Checks that `register` refuses, registering nothing, a node whose Id or Area is empty or
 * holds "/", whose Url is empty or whose Cloud is not a boolean (`TypeError`), and a TTL that
 * is not a positive number (`RangeError`).
 */
export async function assertRefusesMalformedNodes(nodes: MembershipRegistry): Promise<void> {
  await assert.rejects(nodes.register(node(""), 10), TypeError);
  await assert.rejects(nodes.register(node("a/b"), 10), /Node Id "a\/b" is invalid/);
  await assert.rejects(nodes.register(node("a", { Area: "" }), 10), TypeError);
  await assert.rejects(nodes.register(node("a", { Area: "A/B" }), 10), TypeError);
  await assert.rejects(nodes.register(node("a", { Url: "" }), 10), TypeError);
  const notBoolean = { ...node("a"), Cloud: "yes" } as unknown as NodeRecord;
  await assert.rejects(nodes.register(notBoolean, 10), TypeError);
  for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await assert.rejects(nodes.register(node("a"), ttl), RangeError, String(ttl));
  }
  assert.deepEqual(await nodes.list(), []);
}

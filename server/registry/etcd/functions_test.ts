import assert from "node:assert/strict";
import { OutcomeUnknownError, PayloadTooLargeError, UnavailableError } from "../../errors.ts";
import { startEtcd } from "../../testing/etcd.ts";
import * as contract from "../../testing/registry_contract.ts";
import { collectFunctionEvents, definition } from "../../testing/registry_contract.ts";
import { eventually, until } from "../../testing/until.ts";
import { onNewEtcdRegistry } from "../../testing/registry_fixtures.ts";
import { sleep } from "../../timing/sleep.ts";
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

Deno.test("a write etcd does not answer in time fails with an unknown outcome", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address, { timeoutMs: 500 });
  const kept = definition("kept");
  await registry.functions.create(kept);
  const unknown = (verb: string, name: string) => (error: unknown) =>
    error instanceof OutcomeUnknownError && error.status === 504 &&
    error.message === `Registry "etcd" at "${etcd.address}" did not answer in time, so ` +
        `function "${name}" may or may not have been ${verb}: check with GET ` +
        "/function?details=true (its Version) before you retry";
  const updated = { ...kept, Handler: "g.handler", Version: crypto.randomUUID() };
  await etcd.freeze();
  try {
    await assert.rejects(registry.functions.create(definition("new")), unknown("created", "new"));
    await assert.rejects(registry.functions.update(updated), unknown("updated", "kept"));
    await assert.rejects(registry.functions.delete("kept"), unknown("deleted", "kept"));
  } finally {
    etcd.thaw();
  }
});

/**
 * A TCP relay to `target` on 127.0.0.1 whose answers can be held back: a network path on which
 * requests reach etcd at once and its answers arrive late.
 */
function answerDelayingRelay(target: string) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [hostname, port] = target.split(":");
  let held: PromiseWithResolvers<void> | undefined;
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const client of listener) {
      const server = await Deno.connect({ hostname, port: Number(port) });
      conns.push(client, server);
      client.readable.pipeTo(server.writable).catch(() => {});
      server.readable.pipeTo(
        new WritableStream({
          async write(chunk) {
            await held?.promise;
            const writer = client.writable.getWriter();
            try {
              await writer.write(chunk);
            } finally {
              writer.releaseLock();
            }
          },
        }),
      ).catch(() => {});
    }
  })().catch(() => {});
  return {
    address: `127.0.0.1:${listener.addr.port}`,
    /** Holds back etcd's answers from now on. */
    hold() {
      held = Promise.withResolvers();
    },
    /** Delivers the answers held back, and those to come. */
    deliver() {
      held?.resolve();
      held = undefined;
    },
    [Symbol.dispose]() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // closed already
        }
      }
    },
  };
}

Deno.test("a write applied whose answer came too late is settled as applied", async () => {
  await using etcd = await startEtcd();
  using relay = answerDelayingRelay(etcd.address);
  await using registry = await EtcdRegistry.open(relay.address, { timeoutMs: 1_000 });
  const kept = definition("kept");
  await registry.functions.create(kept);
  const late = async <T>(write: () => Promise<T>): Promise<T> => {
    relay.hold();
    try {
      const pending = write();
      await sleep(1_300); // the call timed out at 1 s; settling goes on until 2 s
      relay.deliver();
      return await pending;
    } finally {
      relay.deliver();
    }
  };
  const created = definition("created");
  assert.equal(await late(() => registry.functions.create(created)), true);
  const updated = { ...kept, Handler: "g.handler", Version: crypto.randomUUID() };
  assert.equal(await late(() => registry.functions.update(updated)), true);
  assert.deepEqual(await registry.functions.list(), [created, updated]);
  assert.equal(await late(() => registry.functions.delete("kept")), true);
  assert.deepEqual(await registry.functions.list(), [created]);
  const again = definition("created");
  assert.equal(await late(() => registry.functions.create(again)), false, "refused: it exists");
  assert.deepEqual(await registry.functions.list(), [created]);
});

Deno.test("a write lost with a frozen etcd that was killed is reported as not applied", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address, { timeoutMs: 4_000 });
  const lost = definition("lost");
  await etcd.freeze();
  const pending = registry.functions.create(lost).catch((error) => error);
  await until(async () => await etcd.unreadBytes() > 0, "the write to reach etcd, unread");
  await etcd.kill(); // what it had received, unread, is gone with it
  await etcd.start();
  const error = await pending;
  assert.ok(error instanceof UnavailableError, String(error));
  assert.match(
    error.message,
    /^Function "lost" was not created: Registry "etcd" at .* \(nothing was changed, so it is safe to retry\)$/,
  );
  assert.deepEqual(await registry.functions.list(), []);
  assert.equal(await registry.functions.create(lost), true, "a retry succeeds");
});

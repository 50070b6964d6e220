// The etcd registry against an etcd serving TLS only (client certificate required) with
// authentication enabled, as the node's user whose role may only use the registry's prefixes.
import assert from "node:assert/strict";
import { EtcdPermissionDeniedError } from "etcd3";
import { UnavailableError } from "../errors.ts";
import { type EtcdServer, startEtcd } from "../testing/etcd.ts";
import * as contract from "../testing/registry_contract.ts";
import { collectFunctionEvents, definition, node } from "../testing/registry_contract.ts";
import { eventually } from "../testing/until.ts";
import { listsNode } from "../testing/registry_fixtures.ts";
import { startTcpProxy } from "../testing/tcp_proxy.ts";
import { sleep } from "../timing/sleep.ts";
import { EtcdRegistry } from "./etcd.ts";
import { readClientSecurity } from "./etcd/client_security.ts";
import { EtcdConnection } from "./etcd/connection.ts";

/** Two registries of two nodes on `etcd`, as its registry user. */
async function twoNodes(etcd: EtcdServer, timeoutMs = 3_000) {
  const options = { security: etcd.security, timeoutMs };
  const one = await EtcdRegistry.open(etcd.address, options);
  const two = await EtcdRegistry.open(etcd.address, options);
  return {
    one,
    two,
    async [Symbol.asyncDispose]() {
      await Promise.all([one.close(), two.close()]);
    },
  };
}

Deno.test("EtcdRegistry keeps functions on an etcd with TLS and authentication", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  await using nodes = await twoNodes(etcd);
  await contract.assertFunctionCrud(nodes.one.functions);
  await using other = await startEtcd({ tls: true, auth: true });
  await using watching = await twoNodes(other);
  await contract.assertWatchFunctions(watching.one.functions, watching.two.functions);
});

Deno.test("EtcdRegistry keeps async reports on an etcd with TLS and authentication", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  await using nodes = await twoNodes(etcd);
  await contract.assertAsyncEntries(nodes.one.async);
  await contract.assertAsyncEntriesExpire(nodes.one.async, 1, 5_000);
  await contract.assertPendingAsync(nodes.two.async);
});

Deno.test("EtcdRegistry keeps nodes registered on an etcd with TLS and authentication", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  await using nodes = await twoNodes(etcd);
  await contract.assertNodeMembership(nodes.one.nodes, nodes.two.nodes);

  await nodes.one.nodes.register(node("kept"), 2);
  await sleep(5_000); // more than twice the lease: only its keepalive keeps it
  assert.ok(await listsNode(nodes.two.nodes, "kept"));
});

Deno.test("the registry user of the protected etcd may use the registry's prefixes only", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  await etcd.asRoot((root) => root.put("/other").value("secret").exec());
  const security = await readClientSecurity(etcd.security);
  const connection = new EtcdConnection(etcd.address, 3_000, security);
  try {
    const { client } = connection;
    await client.put("/function/x").value("allowed");
    assert.equal(await client.get("/function/x").string(), "allowed");
    await client.put("async/x").value("allowed"); // Serverledge's async results
    assert.equal(await client.get("async/x").string(), "allowed");
    // Go Serverledge's node records (no leading slash) too.
    await client.put("registry/ROME/x").value("http://127.0.0.1:1323");
    assert.equal(await client.get("registry/ROME/x").string(), "http://127.0.0.1:1323");
    await assert.rejects(client.get("/other").string(), EtcdPermissionDeniedError);
    await assert.rejects(client.put("/other").value("x").exec(), EtcdPermissionDeniedError);
  } finally {
    connection.close();
  }
});

Deno.test("EtcdRegistry authenticates by certificate alone as the user of its common name", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  const { authority } = etcd.tls!;
  const asUser = await authority.issue("as-user", { commonName: etcd.users!.registry.username });
  const tls = { ca: authority.cert, ...asUser };
  await using registry = await EtcdRegistry.open(etcd.address, { security: { tls } });
  await registry.functions.create(definition("by-certificate"));
  assert.deepEqual((await registry.functions.list()).map((d) => d.Name), ["by-certificate"]);
});

Deno.test("EtcdRegistry.open() names the prefixes a user lacks", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  await etcd.asRoot(async (root) => {
    const role = await root.role("functions-only").create();
    await role.grant({ permission: "Readwrite", range: root.range({ prefix: "/function/" }) });
    await root.user("partial").create("partial-password");
    await root.user("partial").addRole(role);
  });
  const security = { ...etcd.security, username: "partial", password: "partial-password" };
  const error = await EtcdRegistry.open(etcd.address, { security }).catch((error) => error);
  assert.ok(error instanceof UnavailableError, String(error));
  assert.equal(
    error.message,
    `Registry "etcd" at "${etcd.address}" denied user "partial" access: grant its role ` +
      "readwrite permission on the key prefixes /function/, /write-fence/, /async/, async/, " +
      "/workflow/, /workflow-run/, /registry/, registry/",
  );
  const keys = await etcd.asRoot((root) => root.getAll().keys());
  assert.deepEqual(keys, [], "the check wrote nothing");
});

Deno.test("EtcdRegistry with authentication survives an etcd restart", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  await using nodes = await twoNodes(etcd, 2_000);
  const functions = collectFunctionEvents(nodes.one.functions);
  const members = contract.collectNodeEvents(nodes.one.nodes);
  await nodes.one.nodes.register(node("survivor"), 2);
  await nodes.two.functions.create(definition("before"));
  await eventually(() => functions.events.length === 1 && members.events.length === 1);

  // etcd forgets every auth token it gave. Killed, as in a crash: a graceful stop (GOAWAY on
  // each TLS connection) sometimes crashes Deno 2.9 itself (denoland/deno#36788).
  await etcd.kill();
  await sleep(1_000);
  await etcd.start();
  const after = definition("after");
  await eventually(() => nodes.two.functions.create(after).then(() => true, () => false));
  await eventually(() => functions.events.length === 2);
  assert.deepEqual(functions.events[1], { type: "put", definition: after });
  await nodes.two.nodes.register(node("newcomer"), 10);
  await eventually(() => members.events.length === 2);
  assert.deepEqual(members.events[1], { type: "put", node: node("newcomer") });
  await sleep(5_000); // more than twice the lease
  assert.ok(await listsNode(nodes.two.nodes, "survivor"));
  functions.stop();
  members.stop();
});

Deno.test("EtcdRegistry keeps working after its auth tokens expired unused", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true, authTokenTtlSeconds: 1 });
  await using nodes = await twoNodes(etcd);
  const early = collectFunctionEvents(nodes.one.functions);
  await nodes.two.functions.create(definition("one"));
  await eventually(() => early.events.length === 1);

  await sleep(3_000); // the tokens of both registries expire
  assert.deepEqual((await nodes.one.functions.list()).map((d) => d.Name), ["one"]);
  const late = collectFunctionEvents(nodes.two.functions); // a watch opened with a stale token
  const two = definition("two");
  await nodes.one.functions.create(two);
  await eventually(() => early.events.length === 2 && late.events.length === 1);
  assert.deepEqual(late.events, [{ type: "put", definition: two }]);
  early.stop();
  late.stop();
});

Deno.test("EtcdRegistry watches again when its connection comes back with an expired token", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true, authTokenTtlSeconds: 1 });
  await using proxy = startTcpProxy(etcd.address);
  const options = { security: etcd.security, timeoutMs: 3_000 };
  await using watcher = await EtcdRegistry.open(proxy.address, options);
  await using writer = await EtcdRegistry.open(etcd.address, options);
  const watch = collectFunctionEvents(watcher.functions);
  const nodes = contract.collectNodeEvents(watcher.nodes);
  await writer.functions.create(definition("one"));
  await eventually(() => watch.events.length === 1);

  await sleep(3_000); // the watcher's token expires while its watch streams stay open
  proxy.cut(); // they reconnect, with the expired token
  const two = definition("two");
  await writer.functions.create(two);
  await writer.nodes.register(node("n"), 10);
  await eventually(() => watch.events.length === 2 && nodes.events.length === 1);
  assert.deepEqual(watch.events[1], { type: "put", definition: two });
  assert.deepEqual(nodes.events, [{ type: "put", node: node("n") }]);
  watch.stop();
  nodes.stop();
});

// The etcd registry against an etcd serving TLS only (client certificate required) with
// authentication enabled, as the node's user whose role may only use the registry's prefixes.
import assert from "node:assert/strict";
import { EtcdPermissionDeniedError } from "etcd3";
import { UnavailableError } from "../errors.ts";
import { type EtcdServer, startEtcd } from "../testing/etcd.ts";
import * as contract from "../testing/registry_contract.ts";
import { node } from "../testing/registry_contract.ts";
import { listsNode } from "../testing/registry_fixtures.ts";
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
    await assert.rejects(client.get("/other").string(), EtcdPermissionDeniedError);
    await assert.rejects(client.put("/other").value("x").exec(), EtcdPermissionDeniedError);
  } finally {
    connection.close();
  }
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
      "readwrite permission on the key prefixes /function/, /async/, /registry/",
  );
  const keys = await etcd.asRoot((root) => root.getAll().keys());
  assert.deepEqual(keys, [], "the check wrote nothing");
});

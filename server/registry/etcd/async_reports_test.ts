import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import type { ExecutionReport } from "../../../protocol/invocation.ts";
import { startEtcd } from "../../testing/etcd.ts";
import { decodeGoResponse, goResponseJson } from "../../testing/go_formats.ts";
import * as contract from "../../testing/registry_contract.ts";
import { onNewEtcdRegistry } from "../../testing/registry_fixtures.ts";
import { EtcdRegistry } from "../etcd.ts";

Deno.test("EtcdRegistry stores async entries under a lease", () =>
  onNewEtcdRegistry(async (registry) => {
    await contract.assertAsyncEntries(registry.async);
    await contract.assertAsyncEntriesExpire(registry.async, 1, 5_000);
  }));

Deno.test("EtcdRegistry.async.listPending() lists the pending entries of a node", () =>
  onNewEtcdRegistry((registry) => contract.assertPendingAsync(registry.async)));

const REPORT: ExecutionReport = {
  Success: true,
  Result: '"Hello"',
  ResponseTime: 0.5,
  IsWarmStart: false,
  InitTime: 0.4,
  OffloadLatency: 0,
  Duration: 0.1,
  SchedAction: "",
  Output: "",
  ExecutedOn: "n1",
};

Deno.test("EtcdRegistry writes a report also where Serverledge polls, under the same lease", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  const client = new Etcd3({ hosts: etcd.url });
  try {
    await registry.async.put("hello-1", contract.pendingEntry("n1"), 60);
    assert.equal(await client.get("async/hello-1").string(), null, "running: Go's poll says 404");

    const done = { ...contract.doneEntry("n1"), Report: { ...REPORT } };
    await registry.async.put("hello-1", done, 60);
    const stored = await client.get("async/hello-1").string();
    assert.deepEqual(JSON.parse(stored!), REPORT, "the report, as Go's poll answers it");
    const { ExecutedOn: _extra, ...goFields } = REPORT;
    assert.deepEqual(decodeGoResponse(stored!), goFields, "what a Go node decodes");
    assert.deepEqual(await registry.async.get("hello-1"), done, "ours is read first");

    const [ours, go] = await Promise.all(
      ["/async/hello-1", "async/hello-1"].map((key) => client.get(key).exec()),
    );
    assert.equal(go.kvs[0].lease, ours.kvs[0].lease, "one lease: both keys expire together");
    const lease = await client.leaseClient.leaseTimeToLive({ ID: go.kvs[0].lease });
    assert.equal(Number(lease.grantedTTL), 60);
  } finally {
    client.close();
  }
});

Deno.test("EtcdRegistry reads a result a Go node published as a done entry", async () => {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  const client = new Etcd3({ hosts: etcd.url });
  try {
    // As Serverledge publishes it: json.Marshal(Response) under a 30-minute lease.
    const published = goResponseJson({ Success: true, Result: '"Hello"', Duration: 0.01 });
    const lease = client.lease(1800);
    await lease.put("async/hello-3f9ab12345").value(published);
    assert.deepEqual(await registry.async.get("hello-3f9ab12345"), {
      Status: "done",
      Report: JSON.parse(published),
    });
    await client.put("async/other-abcde1").value('{"Something":"else"}');
    assert.equal(await registry.async.get("other-abcde1"), undefined, "not a Response");
    assert.equal(await registry.async.get("absent-abcde1"), undefined);
    await lease.revoke();
  } finally {
    client.close();
  }
});

import assert from "node:assert/strict";
import * as contract from "../../testing/registry_contract.ts";
import { pendingEntry } from "../../testing/registry_contract.ts";
import { onNewEmbeddedRegistry } from "../../testing/registry_fixtures.ts";
import { sleep } from "../../timing/sleep.ts";

Deno.test("EmbeddedRegistry stores async entries with their TTL", () =>
  onNewEmbeddedRegistry(async (registry) => {
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
  onNewEmbeddedRegistry(async (registry) => {
    await contract.assertPendingAsync(registry.async);
    // Expired pending entries are not listed.
    const listed = await registry.async.listPending("n1");
    await registry.async.put("f-expired", pendingEntry("n1"), 0.01);
    await sleep(30);
    assert.deepEqual(await registry.async.listPending("n1"), listed);
  }));

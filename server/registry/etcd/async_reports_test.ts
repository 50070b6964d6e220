import * as contract from "../../testing/registry_contract.ts";
import { onNewEtcdRegistry } from "../../testing/registry_fixtures.ts";

Deno.test("EtcdRegistry stores async entries under a lease", () =>
  onNewEtcdRegistry(async (registry) => {
    await contract.assertAsyncEntries(registry.async);
    await contract.assertAsyncEntriesExpire(registry.async, 1, 5_000);
  }));

Deno.test("EtcdRegistry.async.listPending() lists the pending entries of a node", () =>
  onNewEtcdRegistry((registry) => contract.assertPendingAsync(registry.async)));

import assert from "node:assert/strict";
import { join } from "node:path";
import { UnavailableError } from "../errors.ts";
import { startEtcd } from "../testing/etcd.ts";
import { openRegistry } from "./open.ts";

Deno.test("openRegistry() opens the embedded registry without an etcd address", async () => {
  const dir = await Deno.makeTempDir({ prefix: "registry-test-" });
  try {
    for (const etcdAddress of [undefined, "", "  "]) {
      const registry = await openRegistry({ etcdAddress, dataDir: join(dir, "data") });
      assert.equal(registry.kind, "embedded");
      await registry.close();
    }
    assert.ok((await Deno.stat(join(dir, "data", "registry.kv"))).isFile);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openRegistry() opens the etcd registry at the etcd address", async () => {
  await using etcd = await startEtcd();
  for (const etcdAddress of [etcd.address, etcd.url]) {
    const registry = await openRegistry({ etcdAddress, dataDir: "/nonexistent" });
    assert.equal(registry.kind, "etcd");
    await registry.close();
  }
});

Deno.test("openRegistry() fails with UnavailableError when etcd is down", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const address = `127.0.0.1:${listener.addr.port}`;
  listener.close();
  await assert.rejects(openRegistry({ etcdAddress: address, dataDir: "/nonexistent" }), (error) => {
    assert.ok(error instanceof UnavailableError);
    assert.match(error.message, new RegExp(`^Registry "etcd" at "${address}" is unavailable`));
    return true;
  });
});

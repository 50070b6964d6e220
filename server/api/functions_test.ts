// The function routes against a real etcd that misbehaves: frozen mid-request (SIGSTOP).
import assert from "node:assert/strict";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "a create, update or delete during an etcd hang answers 504, never a failure",
  opts,
  async () => {
    await using etcd = await startEtcd();
    await using node = await startTestNode({ config: { "etcd.address": etcd.address } });
    assert.equal(
      (await node.post("/create", await exampleFunction("kept", "hello.py"))).status,
      200,
    );
    const unknown = (verb: string, name: string) =>
      new RegExp(
        `^Registry "etcd" at "${etcd.address}" did not answer in time, so function "${name}" ` +
          `may or may not have been ${verb}: check with GET /function\\?details=true`,
      );
    etcd.freeze();
    try {
      const created = await node.post("/create", await exampleFunction("hang", "hello.py"));
      assert.equal(created.status, 504, JSON.stringify(created.body));
      assert.match(created.body.Error as string, unknown("created", "hang"));
      const updated = await node.post("/update", await exampleFunction("kept", "double.py"));
      assert.equal(updated.status, 504, JSON.stringify(updated.body));
      assert.match(updated.body.Error as string, unknown("updated", "kept"));
      const deleted = await node.post("/delete", { Name: "kept" });
      assert.equal(deleted.status, 504, JSON.stringify(deleted.body));
      assert.match(deleted.body.Error as string, unknown("deleted", "kept"));
    } finally {
      etcd.thaw();
    }
    const after = await node.post("/create", await exampleFunction("after", "hello.py"));
    assert.equal(after.status, 200, "the node goes on once etcd answers");
  },
);

// The function routes against a real etcd that misbehaves: frozen mid-request (SIGSTOP), or
// holding definitions written by hand that /create would refuse.
import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { FUNCTION_PREFIX } from "../registry/etcd/key_prefixes.ts";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction, storedExample } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";
import { sleep } from "../timing/sleep.ts";

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
    await etcd.freeze();
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

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test(
  "definitions written to etcd by hand are checked as /create checks them",
  opts,
  async () => {
    await using etcd = await startEtcd();
    const client = new Etcd3({ hosts: etcd.address });
    try {
      const write = async (name: string, changes: Record<string, unknown>) => {
        const stored = await storedExample(name, "hello.py", changes);
        await client.put(FUNCTION_PREFIX + name).value(JSON.stringify(stored));
      };
      await write("before", { MemoryMB: -5 }); // there when the node starts
      await using node = await startTestNode({ config: { "etcd.address": etcd.address } });
      const bad: [string, Record<string, unknown>, string][] = [
        ["negmem", { MemoryMB: -5 }, 'Field "MemoryMB" must be an integer of at least 16, got -5'],
        ["strmem", { MemoryMB: "lots" }, 'Field "MemoryMB" must be an integer of at least 16'],
        ["negcpu", { CPUDemand: -2 }, 'Field "CPUDemand" must be a number of at least -1, got -2'],
        ["notime", { Timeout: 0 }, 'Field "Timeout" must be an integer from 1 to 3600, got 0'],
        ["pulled", { Runtime: "custom", CustomImage: "Bad Image" }, 'Field "CustomImage" must'],
      ];
      for (const [name, changes] of bad) await write(name, changes);
      await write("fine", {});
      for (let i = 0; i < 100 && (await node.get("/function")).body?.toString() !== "fine"; i++) {
        await sleep(100);
      }
      assert.deepEqual(
        (await node.get("/function")).body,
        ["fine"],
        "only the valid one is served",
      );

      for (const [name, , why] of [["before", {}, "got -5"], ...bad] as const) {
        const invoked = await node.post(`/invoke/${name}`, {});
        assert.equal(invoked.status, 404, JSON.stringify(invoked.body));
        const error = invoked.body.Error as string;
        assert.ok(
          error.startsWith(
            `Function "${name}" is not served, as its stored definition is invalid (`,
          ),
          error,
        );
        assert.ok(error.includes(why), error);
        assert.ok(error.endsWith("replace it with POST /update or remove it with POST /delete"));
        const prewarmed = await node.post("/prewarm", { Function: name, Instances: 1 });
        assert.equal(prewarmed.status, 404);
      }
      const id = node.node.services.identity.id;
      assert.equal(
        await docker("ps", "-aq", "--filter", `label=serverledge.node=${id}`),
        "",
        "nothing reached Docker",
      );

      const fixed = await node.post(
        "/update",
        await exampleFunction("negmem", "hello.py", { MemoryMB: 64 }),
      );
      assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
      const ran = await node.post("/invoke/negmem", {});
      assert.equal(ran.body.Success, true, JSON.stringify(ran.body));
    } finally {
      client.close();
    }
  },
);

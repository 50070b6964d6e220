// The per-function queue on a real node: requests wait for a container instead of a 429, up to
// scheduler.queue.capacity.
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "requests wait in their function's queue for a container; a full queue refuses",
  opts,
  async () => {
    await using node = await startTestNode({
      config: { "container.pool.memory": 64, "scheduler.queue.capacity": 2 },
    });
    await node.post("/create", await exampleFunction("sleepy", "sleep.py", { MemoryMB: 64 }));
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => node.post("/invoke/sleepy", { Params: { seconds: 1 } })),
    );
    const bodies = JSON.stringify(answers.map((a) => a.body));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 429, 429], bodies);
    for (const refused of answers.filter((a) => a.status === 429)) {
      assert.match(refused.body.Error as string, /"sleepy" has 2 waiting requests already/);
    }
    const served = answers.filter((a) => a.status === 200).map((a) => a.body);
    const [first, second] = served.sort((a, b) => Number(a.ResponseTime) - Number(b.ResponseTime));
    assert.equal(first.IsWarmStart, false);
    assert.equal(second.IsWarmStart, true, "the second ran on the container the first freed");
    assert.ok(
      Number(second.ResponseTime) >= Number(first.Duration) + Number(second.Duration),
      `one container: the second started after the first finished (${bodies})`,
    );
  },
);

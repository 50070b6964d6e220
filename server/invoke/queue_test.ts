// scheduler.queue.capacity on a real node: requests wait for a container instead of a 429.
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("requests wait in the queue for capacity; a full queue refuses", opts, async () => {
  await using node = await startTestNode({
    config: { "container.pool.memory": 128, "scheduler.queue.capacity": 1 },
  });
  await node.post("/create", await exampleFunction("sleepy", "sleep.py", { MemoryMB: 64 }));
  const answers = await Promise.all(
    [1, 2, 3, 4].map(() => node.post("/invoke/sleepy", { Params: { seconds: 1 } })),
  );
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 429]);
  const refused = answers.find((a) => a.status === 429)!;
  assert.match(refused.body.Error as string, /wait queue is full/);
  const waited = answers.filter((a) => a.status === 200)
    .map((a) => a.body.ResponseTime as number).sort();
  assert.ok(waited[2] >= 1.9, `the queued one ran after a container freed (${waited})`);
  assert.equal(answers.filter((a) => a.body.IsWarmStart === true).length, 1);
});

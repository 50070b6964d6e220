// Integration tests of the HTTP API against the real Docker daemon and runtime images.
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode, type TestNode } from "../testing/test_node.ts";
import { until } from "../testing/until.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function nodeContainers(node: TestNode): Promise<string[]> {
  const out = await new Deno.Command("docker", {
    args: ["ps", "-aq", "--filter", `label=serverledge.node=${node.node.services.identity.id}`],
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
}

Deno.test("a Python function runs cold, then warm, and returns its output", opts, async () => {
  await using node = await startTestNode();
  const created = await node.post("/create", await exampleFunction("hello", "hello.py"));
  assert.equal(created.status, 200);
  assert.deepEqual(created.body, { Created: "hello", Runtime: "python311" });

  const cold = await node.post("/invoke/hello", { Params: { name: "Edge" } });
  assert.equal(cold.status, 200, JSON.stringify(cold.body));
  assert.equal(cold.body.Success, true);
  assert.equal(cold.body.Result, JSON.stringify("Hello, Edge!"));
  assert.equal(cold.body.IsWarmStart, false);
  assert.ok((cold.body.InitTime as number) > 0);
  assert.equal(cold.body.Output, "");
  for (const field of ["ResponseTime", "Duration", "OffloadLatency"]) {
    assert.equal(typeof cold.body[field], "number", field);
  }
  assert.equal(cold.body.SchedAction, "");

  const warm = await node.post("/invoke/hello", { Params: {}, ReturnOutput: true });
  assert.equal(warm.body.IsWarmStart, true);
  assert.equal(warm.body.InitTime, 0);
  assert.equal(warm.body.Result, JSON.stringify("Hello, World!"));
  assert.equal(warm.body.Output, "Saying hello to World\n");
  assert.equal((await nodeContainers(node)).length, 1);
});

Deno.test("Node.js functions run, promises are awaited, output is captured", opts, async () => {
  await using node = await startTestNode();
  const created = await node.post("/create", await exampleFunction("ahello", "async_hello.js"));
  assert.deepEqual(created.body, { Created: "ahello", Runtime: "nodejs18" });
  const result = await node.post("/invoke/ahello", {
    Params: { name: "Cloud" },
    ReturnOutput: true,
  });
  assert.equal(result.body.Success, true, JSON.stringify(result.body));
  assert.equal(result.body.Result, JSON.stringify("Hello, Cloud!"));
  assert.equal(result.body.Output, "Saying hello to Cloud, asynchronously\n");

  await node.post("/create", await exampleFunction("sieve", "sieve.js"));
  const sieve = await node.post("/invoke/sieve", { Params: { n: 100 } });
  assert.deepEqual(JSON.parse(sieve.body.Result as string), { IsPrime: false, N: 100, Primes: 25 });
});

Deno.test(
  "failing, hanging and memory-hungry functions are reported; the node goes on",
  opts,
  async () => {
    await using node = await startTestNode();
    await node.post("/create", await exampleFunction("fail", "fail.py"));
    const failed = await node.post("/invoke/fail", { Params: { message: "boom" } });
    assert.equal(failed.status, 500);
    assert.equal(failed.body.Success, false);
    assert.match(failed.body.Error as string, /RuntimeError: boom/);

    await node.post("/create", await exampleFunction("sleepy", "sleep.py", { Timeout: 1 }));
    const hung = await node.post("/invoke/sleepy", { Params: { seconds: 30 } });
    assert.equal(hung.status, 500);
    assert.match(hung.body.Error as string, /timed out after 1 s/);

    await node.post("/create", await exampleFunction("hog", "memhog.py", { MemoryMB: 48 }));
    const hog = await node.post("/invoke/hog", { Params: { mb: 200 } });
    assert.equal(hog.status, 500);
    assert.match(hog.body.Error as string, /exceeded its memory limit of 48 MB/);

    // Broken containers never serve again: the next calls start fresh ones.
    const stats = await until(async () => {
      const status = await node.get("/status");
      const pool = (status.body as { Pool: { Functions: Record<string, unknown> } }).Pool;
      return pool.Functions.sleepy || pool.Functions.hog ? undefined : pool;
    }, "broken containers to be removed");
    assert.ok(stats);
    const again = await node.post("/invoke/sleepy", { Params: { seconds: 0 } });
    assert.equal(again.body.Success, true);
    assert.equal(again.body.IsWarmStart, false);
    const small = await node.post("/invoke/hog", { Params: { mb: 1 } });
    assert.equal(small.body.Success, true, JSON.stringify(small.body));
  },
);

Deno.test(
  "async requests answer a ReqId, poll 404 until done, survive a restart",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "serverledge-test-" });
    const nodeId = `test-${crypto.randomUUID().slice(0, 8)}`;
    try {
      let reqId: string;
      {
        await using node = await startTestNode({ dataDir, config: { "node.id": nodeId } });
        await node.post("/create", await exampleFunction("sleepy", "sleep.py"));
        const answer = await node.post("/invoke/sleepy", { Params: { seconds: 1 }, Async: true });
        assert.equal(answer.status, 200);
        reqId = answer.body.ReqId as string;
        assert.match(reqId, /^sleepy-/);
        const early = await node.get(`/poll/${reqId}`);
        assert.equal(early.status, 404);
        assert.match((early.body as { Error: string }).Error, /still running/);
        const done = await until(async () => {
          const poll = await node.get(`/poll/${reqId}`);
          return poll.status === 200 ? poll.body as Record<string, unknown> : undefined;
        }, "the async report");
        assert.equal(done.Success, true);
        assert.deepEqual(JSON.parse(done.Result as string), { slept: 1 });
        assert.equal((await node.get(`/poll/sleepy-${crypto.randomUUID()}`)).status, 404);
        assert.equal((await node.get("/poll/..%2F..%2Fetc")).status, 404);
      }
      await using restarted = await startTestNode({ dataDir, config: { "node.id": nodeId } });
      const again = await restarted.get(`/poll/${reqId}`);
      assert.equal(again.status, 200);
      assert.equal((again.body as { Success: boolean }).Success, true);
      const listed = await restarted.get("/function");
      assert.deepEqual(listed.body, ["sleepy"]);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test("prewarm, list, update and delete manage containers", opts, async () => {
  await using node = await startTestNode();
  await node.post("/create", await exampleFunction("double", "double.py"));
  await node.post("/create", await exampleFunction("hello", "hello.py"));
  const prewarmed = await node.post("/prewarm", { Function: "double", Instances: 2 });
  assert.deepEqual(prewarmed.body, { Prewarmed: 2 });
  const status = await node.get("/status");
  const body = status.body as Record<string, unknown>;
  assert.deepEqual(body.AvailableWarmContainers, { double: 2 });
  assert.equal(body.AvailableMemMB, 1024 - 256);
  for (const key of ["AvailableCPUs", "DropCount", "TotalMemory", "LoadAvg", "LastUpdateTime"]) {
    assert.ok(key in body, key);
  }
  const warm = await node.post("/invoke/double", { Params: { a: 3, b: 4 } });
  assert.equal(warm.body.IsWarmStart, true);
  assert.equal(JSON.parse(warm.body.Result as string).product, 12);

  assert.deepEqual((await node.get("/function")).body, ["double", "hello"]);
  const details = (await node.get("/function?details=true")).body as Record<string, unknown>[];
  assert.equal(details[0].Handler, "double.handler");
  assert.ok(!("TarFunctionCode" in details[0]));

  const updated = await node.post(
    "/update",
    await exampleFunction("double", "hello.py", { Handler: "hello.handler" }),
  );
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  await until(async () => (await nodeContainers(node)).length === 0 ? true : undefined, "retire");
  const after = await node.post("/invoke/double", { Params: { name: "v2" } });
  assert.equal(after.body.Result, JSON.stringify("Hello, v2!"));
  assert.equal(after.body.IsWarmStart, false);

  assert.deepEqual((await node.post("/delete", { Name: "double" })).body, { Deleted: "double" });
  assert.equal((await node.post("/invoke/double", {})).status, 404);
  assert.equal((await node.post("/delete", { Name: "double" })).status, 404);
  await until(async () => (await nodeContainers(node)).length === 0 ? true : undefined, "delete");
});

Deno.test(
  "with no queue, a cold start that does not fit answers 429 and counts a drop",
  opts,
  async () => {
    await using node = await startTestNode({
      config: { "container.pool.memory": 200, "scheduler.queue.capacity": 0 },
    });
    await node.post("/create", await exampleFunction("sleepy", "sleep.py"));
    const slow = node.post("/invoke/sleepy", { Params: { seconds: 2 } });
    await until(async () => {
      const status = await node.get("/status");
      return (status.body as { AvailableMemMB: number }).AvailableMemMB < 200 ? true : undefined;
    }, "the first container to take memory");
    const refused = await node.post("/invoke/sleepy", { Params: { seconds: 0 } });
    assert.equal(refused.status, 429);
    assert.match(refused.body.Error as string, /no memory for function "sleepy"/);
    assert.equal((await slow).body.Success, true);
    assert.equal(((await node.get("/status")).body as { DropCount: number }).DropCount, 1);
  },
);

Deno.test("a request that can wait for memory another function frees is served", opts, async () => {
  await using node = await startTestNode({ config: { "container.pool.memory": 200 } });
  await node.post("/create", await exampleFunction("sleepy", "sleep.py"));
  await node.post("/create", await exampleFunction("double", "double.py"));
  let slowDone = 0;
  const slow = node.post("/invoke/sleepy", { Params: { seconds: 2 } })
    .then((answer) => (slowDone = performance.now(), answer));
  await until(async () => {
    const status = await node.get("/status");
    return (status.body as { AvailableMemMB: number }).AvailableMemMB < 200 ? true : undefined;
  }, "the first container to take memory");
  const waited = await node.post("/invoke/double", { Params: { a: 2 } });
  const waitedDone = performance.now();
  assert.equal(waited.status, 200, JSON.stringify(waited.body));
  assert.equal((await slow).body.Success, true);
  assert.ok(slowDone > 0 && slowDone <= waitedDone, "it ran once sleepy's container was idle");
  assert.equal(((await node.get("/status")).body as { DropCount: number }).DropCount, 0);
});

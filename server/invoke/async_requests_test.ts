// Async requests a shutdown cuts short, with a real node process and the real Docker daemon.
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { startNodeProcess } from "../testing/node_process.ts";
import { sleep } from "../timing/sleep.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "an async request running at a SIGTERM is reported as cut short by the stop, not as a crash",
  opts,
  async () => {
    await using node = await startNodeProcess();
    await node.post("/create", await exampleFunction("sleepy", "sleep.py"));
    await node.post("/create", await exampleFunction("quick", "sleep.py"));
    const long = (await node.post("/invoke/sleepy", { Params: { seconds: 30 }, Async: true }))
      .body.ReqId as string;
    const short = (await node.post("/invoke/quick", { Params: { seconds: 2 }, Async: true }))
      .body.ReqId as string;
    for (let i = 0; i < 100; i++) {
      const status = await fetch(`${node.url}/status`).then((r) => r.json());
      if (status.Pool.Functions.sleepy?.Busy && status.Pool.Functions.quick?.Busy) break;
      await sleep(100);
    }

    assert.equal(await node.stop("SIGTERM"), 0, node.output());
    assert.match(node.output(), /Reported 1 async request\(s\) cut short by the shutdown/);
    await node.restart();
    assert.doesNotMatch(node.output(), /cut short by a restart/, "nothing was left pending");
    const poll = (reqId: string) => fetch(`${node.url}/poll/${reqId}`).then((r) => r.json());
    const cut = await poll(long);
    assert.equal(cut.Success, false);
    assert.equal(cut.Error, "The node stopped before the request completed");
    const finished = await poll(short);
    assert.equal(finished.Success, true, "a request that ends within the grace keeps its report");
    assert.deepEqual(JSON.parse(finished.Result), { slept: 2 });
  },
);

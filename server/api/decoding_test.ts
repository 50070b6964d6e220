// Request bodies read as Serverledge's Go decoder reads them, through a real node: field names
// in any case, Serverledge's runtime alias nodejs17ng, and polls of ids no request has.
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("field names in any case reach their fields; Params keep their keys", opts, async () => {
  await using node = await startTestNode();
  const hello = await exampleFunction("hello", "hello.py");
  const lowered = Object.fromEntries(Object.entries(hello).map(([k, v]) => [k.toLowerCase(), v]));
  const created = await node.post("/create", lowered);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.deepEqual(created.body, { Created: "hello", Runtime: "python311" });

  const invoked = await node.post("/invoke/hello", { params: { name: "Ada" }, returnoutput: true });
  assert.equal(invoked.status, 200, JSON.stringify(invoked.body));
  const report = invoked.body as { Result: string; Output: string };
  assert.equal(JSON.parse(report.Result), "Hello, Ada!");
  assert.match(report.Output, /Saying hello to Ada/);
  // Keys inside Params are the function's: "Name" is not "name".
  const kept = await node.post("/invoke/hello", { PARAMS: { Name: "Ada" } });
  assert.equal(JSON.parse((kept.body as { Result: string }).Result), "Hello, World!");

  const asyncAnswer = await node.post("/invoke/hello", { async: true, Params: { name: "Bo" } });
  assert.equal(asyncAnswer.status, 200);
  assert.ok(typeof (asyncAnswer.body as { ReqId?: string }).ReqId === "string");

  assert.equal((await node.post("/prewarm", { function: "hello", instances: 0 })).status, 200);
  const deleted = await node.post("/delete", { name: "hello" });
  assert.deepEqual(deleted.body, { Deleted: "hello" });
});

Deno.test("nodejs17ng is Serverledge's name of the Node.js runtime", opts, async () => {
  await using node = await startTestNode();
  const fn = await exampleFunction("sieve", "sieve.js", { Runtime: "nodejs17ng" });
  const created = await node.post("/create", fn);
  assert.deepEqual(created.body, { Created: "sieve", Runtime: "nodejs18" });
});

Deno.test("polling an id no request has answers 404 whatever the id looks like", opts, async () => {
  await using node = await startTestNode();
  for (const id of ["not-an-id", "x", "..%2F..%2Fetc", `hello-${crypto.randomUUID()}`]) {
    const answer = await node.get(`/poll/${id}`);
    assert.equal(answer.status, 404, id);
    assert.match((answer.body as { Error: string }).Error, /unknown or its report expired/);
  }
});

Deno.test(
  "a function larger than this node's pool is created; invoked alone, it is refused",
  opts,
  async () => {
    await using node = await startTestNode({ config: { "container.pool.memory": 512 } });
    const big = await exampleFunction("big", "hello.py", { MemoryMB: 4096, CPUDemand: 64 });
    const created = await node.post("/create", big);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const invoked = await node.post("/invoke/big", {});
    assert.equal(invoked.status, 429, JSON.stringify(invoked.body));
    assert.match(
      (invoked.body as { Error: string }).Error,
      /Function "big" needs 4096 MB, more than this node's pool \(512 MB\), and this node knows no other node to offload it to/,
    );
  },
);

// Two nodes on one real etcd share function definitions and async reports.
import assert from "node:assert/strict";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";
import { until } from "../testing/until.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("nodes on one etcd see the same functions, updates and deletes", opts, async () => {
  await using etcd = await startEtcd();
  const config = { "etcd.address": etcd.address };
  await using a = await startTestNode({ config });
  await using b = await startTestNode({ config });
  assert.equal(a.node.services.identity.registry, "etcd");

  assert.equal((await a.post("/create", await exampleFunction("double", "double.py"))).status, 200);
  await until(
    async () => ((await b.get("/function")).body as string[]).includes("double"),
    "watch",
  );
  const onB = await b.post("/invoke/double", { Params: { a: 2, b: 3 } });
  assert.equal(JSON.parse(onB.body.Result as string).product, 6);
  assert.equal((await b.post("/create", await exampleFunction("double", "double.py"))).status, 409);

  // An update on A retires B's warm container of the old version.
  await a.post(
    "/update",
    await exampleFunction("double", "hello.py", { Handler: "hello.handler" }),
  );
  await until(async () => {
    const status = (await b.get("/status")).body as { AvailableWarmContainers: object };
    return Object.keys(status.AvailableWarmContainers).length === 0;
  }, "B to retire the old version");
  const updated = await b.post("/invoke/double", { Params: { name: "B" } });
  assert.equal(updated.body.Result, JSON.stringify("Hello, B!"));

  // An async report is stored in etcd: any node can poll it.
  const { body } = await b.post("/invoke/double", { Async: true, Params: {} });
  await until(async () => (await a.get(`/poll/${body.ReqId}`)).status === 200, "the report");

  assert.equal((await a.post("/delete", { Name: "double" })).status, 200);
  await until(async () => (await b.post("/invoke/double", {})).status === 404, "the delete");
  await until(async () => {
    const status = (await b.get("/status")).body as { Pool: { UsedMemoryMB: number } };
    return status.Pool.UsedMemoryMB === 0;
  }, "B to remove the deleted function's containers");
});

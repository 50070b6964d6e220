// /events, /metrics and /runtimes on a real node.
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { readEvents } from "../testing/sse.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("/events streams status ticks, invocations and function changes", opts, async () => {
  await using node = await startTestNode();
  const events = await readEvents(
    `${node.url}/events`,
    (seen) => seen.some((e) => e.event === "invocation") && seen.some((e) => e.event === "status"),
    async () => {
      await node.post("/create", await exampleFunction("double", "double.py"));
      await node.post("/invoke/double", { Params: { a: 1 } });
    },
  );
  const status = events.find((e) => e.event === "status")!.data as Record<string, unknown>;
  assert.equal(status.Id, node.node.services.identity.id);
  assert.ok("Pool" in status && "Neighbours" in status);
  assert.deepEqual(events.find((e) => e.event === "functions")?.data, ["double"]);
  const invocation = events.find((e) => e.event === "invocation")!.data as Record<string, unknown>;
  assert.equal(invocation.Function, "double");
  assert.equal(invocation.Success, true);
  assert.equal(invocation.IsWarmStart, false);
});

Deno.test("/metrics exposes invocations, cold starts, durations and the pool", opts, async () => {
  await using node = await startTestNode();
  await node.post("/create", await exampleFunction("double", "double.py"));
  await node.post("/invoke/double", {});
  await node.post("/invoke/double", {});
  const text = await (await fetch(`${node.url}/metrics`)).text();
  assert.match(
    text,
    /serverledge_invocations_total\{function="double",outcome="success",sched_action=""\} 2/,
  );
  assert.match(text, /serverledge_cold_starts_total\{function="double"\} 1/);
  assert.match(text, /serverledge_invocation_duration_seconds_count\{function="double"\} 2/);
  assert.match(
    text,
    /serverledge_invocation_duration_seconds_bucket\{function="double",le="\+Inf"\} 2/,
  );
  assert.match(text, /serverledge_pool_memory_mb 1024/);
  assert.match(text, /serverledge_containers\{function="double",state="idle"\} 1/);
  assert.match(text, /serverledge_waiting_requests\{function="double"\} 0/);
  assert.match(text, /# TYPE serverledge_invocations_total counter/);
});

Deno.test("/metrics answers 404 when disabled; /runtimes lists the catalog", opts, async () => {
  await using node = await startTestNode({ config: { "metrics.enabled": false } });
  const metrics = await node.get("/metrics");
  assert.equal(metrics.status, 404);
  assert.match((metrics.body as { Error: string }).Error, /metrics.enabled/);
  const runtimes = (await node.get("/runtimes")).body as { Name: string; Aliases: string[] }[];
  assert.deepEqual(runtimes.map((r) => r.Name), ["python311", "nodejs18", "deno2", "custom"]);
  assert.ok(runtimes[0].Aliases.includes("python310"));
});

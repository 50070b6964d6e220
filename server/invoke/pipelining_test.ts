// Calls written behind the call under way on a container (see server/pool/calls_behind.ts), on
// the real Docker daemon and a runtime image that declares pipelining: each call runs once with
// its own parameters, and a call behind one whose container dies runs again on another.
import assert from "node:assert/strict";
import type { ExecutionReport } from "../../protocol/invocation.ts";
import { prepareInvocation } from "../api/invoke.ts";
import type { Lease } from "../pool/pool.ts";
import { pythonCode } from "../testing/functions.ts";
import { startTestNode, type TestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

const SOURCE = `
import os, time

def handler(params, context):
    if params.get("exit"):
        time.sleep(0.05)
        os._exit(3)
    return {"n": params["n"]}
`;

/**
 * Warm-up calls: the pool averages a function's recent holds, so one call slowed by the machine
 * (a pause, stolen CPU) among this many does not make "quick" look slower than its limit.
 */
const WARM_CALLS = 50;

/** A node with function "quick" (`MaxConcurrency` 1), warmed so that its calls are known short. */
async function nodeWithQuickFunction(): Promise<TestNode> {
  const node = await startTestNode();
  const created = await node.post("/create", {
    Name: "quick",
    Runtime: "python311",
    MemoryMB: 128,
    MaxConcurrency: 1,
    Handler: "main.handler",
    TarFunctionCode: pythonCode(SOURCE),
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  for (let n = 0; n < WARM_CALLS; n++) {
    const warm = await node.post("/invoke/quick", { Params: { n } });
    assert.equal(warm.body.Success, true, JSON.stringify(warm.body));
  }
  return node;
}

/** The leases the node's pool grants from now on. */
function recordLeases(node: TestNode): Lease[] {
  const pool = node.node.services.pool;
  const acquire = pool.acquire.bind(pool);
  const leases: Lease[] = [];
  pool.acquire = async (...args) => {
    const lease = await acquire(...args);
    leases.push(lease);
    return lease;
  };
  return leases;
}

/** Runs "quick" with `params` through the node's dispatcher, as `POST /invoke/quick` does. */
function dispatch(node: TestNode, params: Record<string, unknown>): Promise<ExecutionReport> {
  const { services } = node.node;
  const invocation = prepareInvocation(services, "quick", { Params: params }, 0, undefined);
  return services.dispatcher.dispatch(invocation);
}

/**
 * Dispatches pairs of calls until the second of a pair is written behind the first (the pool
 * judges by the recent holds, which a slow moment of the machine can lift past the limit), then
 * forgets their leases.
 */
async function untilWrittenBehind(node: TestNode, leases: Lease[]): Promise<void> {
  for (let pair = 0; pair < 20; pair++) {
    leases.length = 0;
    await Promise.all([dispatch(node, { n: 0 }), dispatch(node, { n: 1 })]);
    if (leases[1]?.behind) break;
  }
  assert.ok(leases[1]?.behind, "a call of a pair is written behind the other");
  leases.length = 0;
}

Deno.test(
  "a burst of a function of short calls: each runs once with its own parameters, some written behind the call under way",
  opts,
  async () => {
    await using node = await nodeWithQuickFunction();
    const leases = recordLeases(node);
    const burst = Array.from(
      { length: 48 },
      (_, n) => node.post("/invoke/quick", { Params: { n } }),
    );
    const answers = await Promise.all(burst);
    answers.forEach((answer, n) => {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(
        JSON.parse(answer.body.Result as string),
        { n },
        `call ${n} got its own result`,
      );
    });
    assert.equal(leases.length, 48, "one lease per call: none ran twice");
    assert.ok(leases.some((lease) => lease.behind), "some calls were written behind another");
  },
);

Deno.test(
  "a call written behind one whose container dies runs again on another container",
  opts,
  async () => {
    await using node = await nodeWithQuickFunction();
    const leases = recordLeases(node);
    await untilWrittenBehind(node, leases);
    const dying = dispatch(node, { exit: true });
    const behind = dispatch(node, { n: 7 });
    const [died, ran] = await Promise.all([dying, behind]);
    assert.ok(leases[1]?.behind, "the second call was written behind the dying one");
    assert.equal(died.Success, false);
    assert.match(died.Error ?? "", /crashed: its container exited with code 3/);
    assert.equal(ran.Success, true, JSON.stringify(ran));
    assert.deepEqual(JSON.parse(ran.Result), { n: 7 });
    assert.equal(ran.IsWarmStart, false, "it ran on a new container");
    assert.equal(leases.length, 3, "the dying call, the call behind it, and its second lease");
    assert.equal(leases[2].behind, undefined, "and was not written behind another again");
    assert.notEqual(leases[2].container.id, leases[0].container.id);
  },
);

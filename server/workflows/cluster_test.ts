// Workflows in a deployment on one real etcd, with real node processes: a workflow created on
// the edge node is seen by the cloud node (the registry's watch), and the edge node's tasks are
// offloaded to the cloud node by its scheduling policy, task by task.
import assert from "node:assert/strict";
import type { NodeStatus } from "../../protocol/status.ts";
import type { WorkflowRecord, WorkflowReport } from "../../protocol/workflow.ts";
import { startEtcd } from "../testing/etcd.ts";
import { FAST_CLUSTER, type NodeProcess, startNodeProcess } from "../testing/node_process.ts";
import { createWorkflowFunctions, workflowBody } from "../testing/workflows.ts";
import { until } from "../testing/until.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function status(node: NodeProcess): Promise<NodeStatus> {
  return await fetch(`${node.url}/status`).then((r) => r.json());
}

Deno.test("an edge node's workflow tasks are offloaded to the cloud node", opts, async () => {
  await using etcd = await startEtcd();
  const config = { ...FAST_CLUSTER, "etcd.address": etcd.address };
  await using cloud = await startNodeProcess({ config: { ...config, cloud: true } });
  await using edge = await startNodeProcess({
    config: { ...config, "scheduler.policy": "cloudonly" },
  });
  await until(
    async () => (await status(edge)).Neighbours.some((n) => n.Id === cloud.id && n.Reachable),
    "the edge node to see the cloud node",
  );
  await createWorkflowFunctions(edge.post);
  const definition = {
    StartAt: "Double",
    States: {
      Double: { Type: "Task", Resource: "double", Parameters: { "a.$": "$.x" }, Next: "Inc" },
      Inc: { Type: "Task", Resource: "increment", Parameters: { "n.$": "$.product" }, End: true },
    },
  };
  assert.equal((await edge.post("/workflow/create", workflowBody("seq", definition))).status, 200);
  await until(async () => {
    const list: WorkflowRecord[] = await fetch(`${cloud.url}/workflow/list`).then((r) => r.json());
    return list.some((w) => w.Name === "seq" && w.Version === 1);
  }, "the cloud node to see the workflow");

  const answer = await edge.post("/workflow/invoke/seq", { Params: { x: 20 } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const report = answer.body as unknown as WorkflowReport;
  assert.deepEqual(report.Result, { n: 41 });
  for (const step of ["Double", "Inc"]) {
    assert.equal(report.Reports[step].ExecutedOn, cloud.id, step);
    assert.equal(report.Reports[step].SchedAction, "O", step);
  }
  assert.equal((await status(edge)).Invocations.Local, 0);
  assert.equal((await status(cloud)).Invocations.Received, 2);

  // The same workflow runs on the cloud node too, where it was not created.
  const there = await cloud.post("/workflow/invoke/seq", { Params: { x: 1 } });
  assert.deepEqual(there.body.Result, { n: 3 });

  // A delete on the cloud node reaches the edge node.
  assert.equal((await cloud.post("/workflow/delete", { Name: "seq" })).status, 200);
  await until(
    async () => (await edge.post("/workflow/invoke/seq", {})).status === 404,
    "the edge node to see the delete",
  );
});

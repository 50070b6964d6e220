// The `workflow` events of /events and the workflow series of /metrics, on a real node.
import assert from "node:assert/strict";
import type { WorkflowStepEvent } from "../../protocol/workflow.ts";
import { readEvents } from "../testing/sse.ts";
import { startTestNode } from "../testing/test_node.ts";
import { createWorkflowFunctions, workflowBody } from "../testing/workflows.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

const DEFINITION = {
  StartAt: "Double",
  States: {
    Double: { Type: "Task", Resource: "double", Parameters: { "a.$": "$.x" }, Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

Deno.test("each step of a run is a workflow event, with the node a task ran on", opts, async () => {
  await using node = await startTestNode();
  await createWorkflowFunctions(node.post);
  await node.post("/workflow/create", workflowBody("traced", DEFINITION));
  const events = await readEvents(
    `${node.url}/events`,
    (seen) => seen.filter((e) => e.event === "workflow").length === 4,
    () => node.post("/workflow/invoke/traced", { Params: { x: 1 } }),
  );
  const steps = events.filter((e) => e.event === "workflow").map((e) =>
    e.data as WorkflowStepEvent
  );
  assert.deepEqual(steps.map((s) => [s.Step, s.Type, s.Phase]), [
    ["Double", "Task", "entered"],
    ["Double", "Task", "exited"],
    ["Done", "Succeed", "entered"],
    ["Done", "Succeed", "exited"],
  ]);
  assert.ok(steps.every((s) => s.Workflow === "traced" && /^traced-/.test(s.ReqId)));
  assert.equal(new Set(steps.map((s) => s.ReqId)).size, 1);
  assert.equal(steps[1].ExecutedOn, node.node.services.identity.id);
  assert.ok(steps[1].Time >= steps[0].Time);
});

Deno.test("/metrics counts workflow runs by outcome and times each state", opts, async () => {
  await using node = await startTestNode();
  await createWorkflowFunctions(node.post);
  await node.post("/workflow/create", workflowBody("timed", DEFINITION));
  await node.post(
    "/workflow/create",
    workflowBody("broken", {
      StartAt: "F",
      States: { F: { Type: "Task", Resource: "fail", End: true } },
    }),
  );
  await node.post("/workflow/invoke/timed", { Params: { x: 1 } });
  await node.post("/workflow/invoke/timed", { Params: { x: 2 } });
  await node.post("/workflow/invoke/broken", {});
  const text = await (await fetch(`${node.url}/metrics`)).text();
  assert.match(
    text,
    /serverledge_workflow_invocations_total\{workflow="timed",outcome="success"\} 2/,
  );
  assert.match(
    text,
    /serverledge_workflow_invocations_total\{workflow="broken",outcome="failure"\} 1/,
  );
  assert.match(
    text,
    /serverledge_workflow_state_duration_seconds_count\{workflow="timed",state="Double",type="Task"\} 2/,
  );
  assert.match(
    text,
    /serverledge_workflow_state_duration_seconds_count\{workflow="broken",state="F",type="Task"\} 1/,
  );
});

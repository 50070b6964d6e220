// Durable async workflow runs on a real node process (real Docker, embedded registry): a run
// stopped during a Wait (SIGKILL: the node dies; SIGTERM: it shuts down) is resumed at the next
// start, replayed from its journal, and the task that completed before the stop does not run
// again — the restarted node's own counters show it ran only the task after the Wait.
import assert from "node:assert/strict";
import type { NodeStatus } from "../../protocol/status.ts";
import type { WorkflowReport } from "../../protocol/workflow.ts";
import { type NodeProcess, startNodeProcess } from "../testing/node_process.ts";
import { sleep } from "../timing/sleep.ts";
import { createWorkflowFunctions, workflowBody } from "../testing/workflows.ts";
import { until } from "../testing/until.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

const PAUSED = {
  StartAt: "Double",
  States: {
    Double: { Type: "Task", Resource: "double", Parameters: { "a.$": "$.x" }, Next: "Pause" },
    Pause: { Type: "Wait", Seconds: 6, Next: "Inc" },
    Inc: { Type: "Task", Resource: "increment", Parameters: { "n.$": "$.product" }, End: true },
  },
};

async function status(node: NodeProcess): Promise<NodeStatus> {
  return await fetch(`${node.url}/status`).then((r) => r.json());
}

async function stoppedDuringWait(signal: Deno.Signal) {
  await using node = await startNodeProcess();
  await createWorkflowFunctions(node.post);
  assert.equal((await node.post("/workflow/create", workflowBody("paused", PAUSED))).status, 200);
  const answer = await node.post("/workflow/invoke/paused", { Params: { x: 5 }, Async: true });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const reqId = answer.body.ReqId as string;
  assert.match(reqId, /^paused-/);
  await until(async () => (await status(node)).Invocations.Local === 1 || undefined, "Double", {
    timeoutMs: 60_000,
  });
  await sleep(1_000); // inside the 6 s Wait
  const pending = await fetch(`${node.url}/poll/${reqId}`);
  assert.equal(pending.status, 404, "still running");
  await pending.body?.cancel();

  await node.stop(signal);
  await node.restart();
  assert.match(
    node.output(),
    /Resumed workflow run "paused-[^"]+" \(1 task attempt\(s\) journaled\)/,
  );
  const report = await until(
    async () => {
      const response = await fetch(`${node.url}/poll/${reqId}`);
      return response.ok
        ? await response.json() as WorkflowReport
        : void await response.body?.cancel();
    },
    "the resumed run's report",
    { timeoutMs: 60_000 },
  );
  assert.equal(report.Success, true, JSON.stringify(report));
  assert.deepEqual(report.Result, { n: 11 });
  assert.deepEqual(Object.keys(report.Reports).sort(), ["Double", "Inc"]);
  assert.match(String(report.Resumed), /1 completed task attempt\(s\) replayed/);
  const after = await status(node);
  assert.equal(after.Invocations.Local, 1, "only Inc ran after the restart");
  assert.equal(after.Invocations.ColdStarts, 1);
  assert.doesNotMatch(node.output(), /cut short by a restart as failed/);
}

Deno.test(
  "an async workflow killed during a Wait resumes without running Double again",
  opts,
  () => stoppedDuringWait("SIGKILL"),
);

Deno.test(
  "an async workflow shut down during a Wait resumes at the next start",
  opts,
  () => stoppedDuringWait("SIGTERM"),
);

import assert from "node:assert/strict";
import type { ExecutionReport } from "../../protocol/invocation.ts";
import {
  applyStepEvent,
  type FollowedRuns,
  followedTrace,
  followEvent,
  nodeIdOfStep,
  nodeRuns,
  type RunTrace,
  traceWithReport,
} from "./workflow_run.ts";
import type { WorkflowStepEvent } from "../../protocol/workflow.ts";

const base = { ReqId: "r1", Workflow: "wf" };

function event(
  Step: string,
  Phase: "entered" | "exited",
  Time: number,
  extra: Partial<WorkflowStepEvent> = {},
): WorkflowStepEvent {
  const State = Step.split("/").at(-1)!.replace(/[#@].*$/, "");
  return { ...base, Step, State, Type: "Task", Phase, Time, ...extra };
}

function report(ExecutedOn: string, ResponseTime = 0.01, Success = true): ExecutionReport {
  return {
    Success,
    Result: "",
    ResponseTime,
    IsWarmStart: true,
    InitTime: 0,
    OffloadLatency: 0,
    Duration: ResponseTime,
    SchedAction: "",
    Output: "",
    ExecutedOn,
  };
}

Deno.test("nodeIdOfStep drops visits and attempts and folds Map items onto the processor", () => {
  const maps = new Set(["Each", "Fan/1/Inner"]);
  assert.equal(nodeIdOfStep("Double", maps), "Double");
  assert.equal(nodeIdOfStep("Double#3", maps), "Double");
  assert.equal(nodeIdOfStep("Double@2", maps), "Double");
  assert.equal(nodeIdOfStep("Double#2@3", maps), "Double");
  assert.equal(nodeIdOfStep("Fan/1/Right", maps), "Fan/1/Right");
  assert.equal(nodeIdOfStep("Fan#2/0/Left@2", maps), "Fan/0/Left");
  assert.equal(nodeIdOfStep("Each/17/Square", maps), "Each/0/Square");
  assert.equal(nodeIdOfStep("Fan/1/Inner/4/Leaf", maps), "Fan/1/Inner/0/Leaf");
});

Deno.test("applyStepEvent folds entries and exits into steps; an exit alone still counts", () => {
  let trace: RunTrace = [];
  trace = applyStepEvent(trace, event("A", "entered", 100));
  assert.deepEqual(trace, [{
    step: "A",
    state: "A",
    type: "Task",
    enteredAt: 100,
    executedOn: undefined,
  }]);
  trace = applyStepEvent(trace, event("A", "exited", 130, { ExecutedOn: "n1" }));
  trace = applyStepEvent(trace, event("B", "exited", 150, { Error: "States.TaskFailed" }));
  assert.equal(trace.length, 2);
  assert.equal(trace[0].exitedAt, 130);
  assert.equal(trace[0].executedOn, "n1");
  assert.equal(trace[1].error, "States.TaskFailed");
});

Deno.test("nodeRuns: running, done and failed states, visits, where and how long", () => {
  const maps = new Set(["Each"]);
  let trace: RunTrace = [];
  for (
    const e of [
      event("A", "entered", 0),
      event("A", "exited", 20, { ExecutedOn: "edge" }),
      event("Each/0/Sq", "entered", 20),
      event("Each/1/Sq", "entered", 21),
      event("Each/0/Sq", "exited", 40),
      event("B", "entered", 50),
      event("B", "exited", 55, { Error: "Boom" }),
    ]
  ) trace = applyStepEvent(trace, e);
  const runs = nodeRuns(trace, maps, { "Each/1/Sq": report("cloud") });
  assert.deepEqual(runs.get("A"), {
    status: "done",
    steps: 1,
    lastMs: 20,
    executedOn: ["edge"],
    error: undefined,
  });
  const sq = runs.get("Each/0/Sq")!;
  assert.equal(sq.status, "running");
  assert.equal(sq.steps, 2);
  assert.deepEqual(sq.executedOn, ["cloud"]);
  assert.equal(runs.get("B")!.status, "failed");
  assert.equal(runs.get("B")!.error, "Boom");
  assert.equal(runs.has("C"), false);
  // The second item ends: the state is done, with the last item's time.
  trace = applyStepEvent(trace, event("Each/1/Sq", "exited", 61));
  assert.equal(nodeRuns(trace, maps).get("Each/0/Sq")!.status, "done");
  assert.equal(nodeRuns(trace, maps).get("Each/0/Sq")!.lastMs, 40);
});

Deno.test("traceWithReport closes open steps and adds the tasks the events missed", () => {
  const trace = applyStepEvent([], event("A", "entered", 0));
  const done = traceWithReport(trace, {
    Success: true,
    Result: 1,
    ResponseTime: 0.1,
    Reports: { A: report("n1"), "Par/1/B": report("n2", 0.05, false) },
  });
  assert.equal(done.length, 2);
  assert.equal(done[0].exitedAt, 0);
  assert.equal(done[0].error, undefined);
  assert.deepEqual(done[1], {
    step: "Par/1/B",
    state: "B",
    type: "Task",
    enteredAt: 0,
    exitedAt: 50,
    error: "failed",
    executedOn: "n2",
  });
  assert.equal(traceWithReport(trace, undefined), trace);
});

Deno.test("followEvent follows the first run to start, or the one whose id is known", () => {
  const of = (ReqId: string, Step: string, Phase: "entered" | "exited") => ({
    ...event(Step, Phase, 0),
    ReqId,
  });
  let runs: FollowedRuns = { traces: new Map() };
  // An older run still going shows up first, inside its flow: not the page's.
  runs = followEvent(runs, of("old", "B", "entered"), "A");
  assert.equal(runs.first, undefined);
  assert.deepEqual(followedTrace(runs, undefined), []);
  runs = followEvent(runs, of("mine", "A", "entered"), "A");
  runs = followEvent(runs, of("other", "A", "entered"), "A");
  runs = followEvent(runs, of("mine", "A", "exited"), "A");
  assert.equal(runs.first, "mine");
  assert.deepEqual(followedTrace(runs, undefined).map((s) => s.exitedAt), [0]);
  // Once the id is known (async), it wins.
  assert.deepEqual(followedTrace(runs, "other").map((s) => s.step), ["A"]);
  assert.equal(followedTrace(runs, "other")[0].exitedAt, undefined);
  assert.deepEqual(followedTrace(runs, "unknown"), []);
});

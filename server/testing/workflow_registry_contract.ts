/**
 * Test fixture: what every backend's workflow parts must do (definitions and durable runs),
 * asserted the same way for the embedded and the etcd registry.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { WorkflowRunState } from "../../protocol/workflow.ts";
import type { WorkflowEvent, WorkflowRegistry } from "../registry/workflow_registry.ts";
import type { WorkflowRunStore } from "../registry/workflow_run_store.ts";
import { eventually } from "./until.ts";

/** Creates, refuses a second create, overwrites (the version grows), lists, deletes; watched. */
export async function assertWorkflowCrud(workflows: WorkflowRegistry): Promise<void> {
  const events: WorkflowEvent[] = [];
  const stop = workflows.watch((event) => events.push(event));
  const created = await workflows.put({ Name: "w", Definition: "{}" }, false);
  assert.deepEqual(created, { Name: "w", Definition: "{}", Version: 1 });
  assert.equal(await workflows.put({ Name: "w", Definition: "{ }" }, false), false);
  const replaced = await workflows.put({ Name: "w", Definition: "{ }" }, true);
  assert.deepEqual(replaced, { Name: "w", Definition: "{ }", Version: 2 });
  await workflows.put({ Name: "a", Definition: "{}" }, false);
  assert.deepEqual((await workflows.list()).map((w) => [w.Name, w.Version]), [["a", 1], ["w", 2]]);
  assert.equal(await workflows.delete("w"), true);
  assert.equal(await workflows.delete("w"), false);
  assert.deepEqual((await workflows.list()).map((w) => w.Name), ["a"]);
  await eventually(() => events.length === 4);
  stop();
  assert.deepEqual(
    events.map((e) =>
      e.type === "put" ? `put ${e.record.Name} ${e.record.Version}` : `delete ${e.name}`
    ),
    [
      "put w 1",
      "put w 2",
      "put a 1",
      "delete w",
    ],
  );
}

/** A run state owned by `node`. */
export function runState(ReqId: string, node: string): WorkflowRunState {
  return {
    ReqId,
    Node: node,
    Workflow: "w",
    Definition: "{}",
    Version: 1,
    Request: { Params: {}, QoSClass: 0, QoSMaxRespT: -1, CanDoOffloading: true },
    Tasks: {},
    Waits: { Pause: 1 },
    Since: 1,
    Resumes: 0,
  };
}

/** Stores, replaces, lists by owner and removes runs. */
export async function assertWorkflowRuns(runs: WorkflowRunStore): Promise<void> {
  await runs.put(runState("w-1", "n1"), 60);
  await runs.put(runState("w-2", "n2"), 60);
  await runs.put({ ...runState("w-1", "n1"), Resumes: 1 }, 60);
  assert.deepEqual(await runs.listOwned("n1"), [{ ...runState("w-1", "n1"), Resumes: 1 }]);
  await runs.delete("w-1");
  assert.deepEqual(await runs.listOwned("n1"), []);
  assert.equal((await runs.listOwned("n2")).length, 1);
  await assert.rejects(() => runs.put(runState("w-3", "n1"), 0), RangeError);
}

// The workflow view's components rendered to HTML (no browser): the graph with a run marked,
// the run card, the create form's preview.
import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { NodeApi } from "../lib/api.ts";
import { TEN_STATES } from "../testing/ten_states.ts";
import { type GraphResult, layoutGraph } from "../lib/workflow_layout.ts";
import { applyStepEvent, nodeRuns, type RunTrace } from "../lib/workflow_run.ts";
import { viewFromHash } from "./header.tsx";
import { WorkflowCreateForm } from "./workflow_create_form.tsx";
import { nodeCaption, nodeDescription, WorkflowGraph } from "./workflow_graph.tsx";
import { WorkflowRunCard } from "./workflow_run_card.tsx";

const layout = layoutGraph(TEN_STATES);

function trace(): RunTrace {
  let t: RunTrace = [];
  const step = (Step: string, Phase: "entered" | "exited", Time: number, more = {}) => {
    const State = Step.split("/").at(-1)!;
    t = applyStepEvent(t, {
      ReqId: "r",
      Workflow: "w",
      Step,
      State,
      Type: "Task",
      Phase,
      Time,
      ...more,
    });
  };
  step("Fetch", "entered", 0);
  step("Fetch", "exited", 12, { ExecutedOn: "edge-1" });
  step("Route", "entered", 12);
  step("Route", "exited", 13);
  step("Fan", "entered", 13);
  step("Fan/0/Left", "entered", 13);
  step("Fan/1/Right", "entered", 13);
  step("Fan/1/Right", "exited", 40, { ExecutedOn: "cloud-1", Error: "States.TaskFailed" });
  return t;
}

const report: ExecutionReport = {
  Success: true,
  Result: "2",
  ResponseTime: 0.012,
  IsWarmStart: false,
  InitTime: 0.3,
  OffloadLatency: 0,
  Duration: 0.01,
  SchedAction: "O",
  Output: "",
  ExecutedOn: "cloud-1",
};

Deno.test("WorkflowGraph draws every state, labelled, and marks a run's path", () => {
  const runs = nodeRuns(trace(), new Set(["Each"]));
  const html = renderToString(
    h(WorkflowGraph, { layout, label: "States of w", runs, onSelect: () => {} }),
  );
  assert.match(html, /<svg role="group" aria-label="States of w"/);
  for (const node of layout.nodes) assert.ok(html.includes(`data-node="${node.id}"`), node.id);
  assert.match(html, /data-node="Fetch" data-status="done"/);
  assert.match(html, /data-node="Fan\/0\/Left" data-status="running"/);
  assert.match(html, /data-node="Fan\/1\/Right" data-status="failed"/);
  assert.match(html, /data-node="Wait" data-status="idle"/);
  assert.match(html, /aria-label="Fetch, Task fetch: done in 12 ms on edge-1"/);
  assert.match(html, /aria-label="Wait, Wait: not run"/);
  assert.match(html, /tabindex="0" role="button" aria-pressed="false"/);
  // The taken edges: Start → Fetch → Route → Fan; not Route → Wait.
  assert.match(html, /data-edge="\(start\)->Fetch:next:" data-taken="true"/);
  assert.match(html, /data-edge="Route->Fan:choice:[^"]*" data-taken="true"/);
  assert.doesNotMatch(html, /data-edge="Route->Wait:default:" data-taken/);
  // Rules and catchers are labelled.
  assert.match(html, /States\.ALL/);
  assert.match(html, />Default</);
  // Without a run and without picking, nothing is marked or focusable.
  const plain = renderToString(h(WorkflowGraph, { layout, label: "p" }));
  assert.doesNotMatch(plain, /tabindex|data-taken|data-status="done"/);
});

Deno.test("nodeCaption and nodeDescription say what a state did", () => {
  const fetch = layout.nodes.find((n) => n.id === "Fetch")!;
  assert.equal(nodeCaption(fetch, undefined), "Task · fetch");
  const run = { status: "done" as const, steps: 3, lastMs: 1500, executedOn: ["a", "b"] };
  assert.equal(nodeCaption(fetch, run), "done · ×3 · 1.50 s · a, b");
  assert.equal(
    nodeDescription(fetch, { ...run, status: "failed", error: "Boom" }),
    "Fetch, Task fetch: failed, 3 times in 1.50 s on a, b: Boom",
  );
});

Deno.test("WorkflowRunCard shows the steps, the result, the task reports and a failure", () => {
  const running = renderToString(
    h(WorkflowRunCard, {
      run: { workflow: "w", async: true, reqId: "w-1" },
      trace: trace(),
      self: "edge-1",
    }),
  );
  assert.match(running, /data-testid="workflow-run-status">Running/);
  assert.match(running, /w-1/);
  assert.match(running, /data-step="Fan\/1\/Right"/);
  assert.match(running, /States\.TaskFailed/);
  assert.match(running, /running…/);
  const done = renderToString(
    h(WorkflowRunCard, {
      run: {
        workflow: "w",
        async: false,
        report: { Success: true, Result: { n: 2 }, ResponseTime: 0.05, Reports: { Fetch: report } },
      },
      trace: trace().slice(0, 2),
      self: "edge-1",
    }),
  );
  assert.match(done, /Succeeded/);
  assert.match(done, /data-testid="workflow-result">\{\n {2}&quot;n&quot;: 2\n\}/);
  assert.match(done, /ran offloaded to cloud-1/);
  assert.match(done, /cold/);
  const failed = renderToString(
    h(WorkflowRunCard, {
      run: {
        workflow: "w",
        async: false,
        report: {
          Success: false,
          Result: null,
          ResponseTime: 0.05,
          Reports: {},
          Error: "States.TaskFailed",
          Cause: "division by zero",
        },
      },
      trace: [],
      self: undefined,
    }),
  );
  assert.match(failed, /Failed/);
  assert.match(failed, /States\.TaskFailed: division by zero/);
  assert.match(
    renderToString(h(WorkflowRunCard, { run: undefined, trace: [], self: undefined })),
    /Invoke the workflow to follow its path/,
  );
});

Deno.test("WorkflowCreateForm previews a definition, or says why it cannot", () => {
  const api = {} as NodeApi;
  const base = { api, guard: (e: unknown) => String(e), onCreated: () => {} };
  const drawn = renderToString(
    h(WorkflowCreateForm, {
      ...base,
      toGraph: (): GraphResult => ({ ok: true, graph: TEN_STATES }),
    }),
  );
  assert.match(drawn, /aria-label="Preview of the definition"/);
  assert.match(drawn, /<label for="wf-name"[^>]*>Workflow name</);
  assert.match(drawn, /<label for="wf-definition"/);
  const refused = renderToString(
    h(WorkflowCreateForm, {
      ...base,
      toGraph: (): GraphResult => ({ ok: false, error: 'state "A": "Next" names no state ("B")' }),
    }),
  );
  assert.match(refused, /Preview not drawn: state &quot;A&quot;: &quot;Next&quot; names no state/);
  assert.doesNotMatch(refused, /Preview of the definition/);
});

Deno.test("viewFromHash knows the workflows view and the workflow it names", () => {
  assert.deepEqual(viewFromHash("#/workflows/my%20flow"), { view: "workflows", fn: "my flow" });
  assert.deepEqual(viewFromHash("#/workflows"), { view: "workflows", fn: undefined });
});

import assert from "node:assert/strict";
import { graphOf, taskResources, taskStates } from "./graph.ts";
import { parseStateMachine } from "./parse.ts";

const machine = parseStateMachine({
  StartAt: "Route",
  States: {
    Route: {
      Type: "Choice",
      Choices: [{ Variable: "$.n", NumericGreaterThan: 3, Next: "Fan" }],
      Default: "One",
    },
    One: {
      Type: "Task",
      Resource: "single",
      Catch: [{ ErrorEquals: ["Boom", "Bang"], Next: "Failed" }],
      Next: "Done",
    },
    Fan: {
      Type: "Parallel",
      Branches: [
        { StartAt: "A", States: { A: { Type: "Task", Resource: "left", End: true } } },
        {
          StartAt: "Each",
          States: {
            Each: {
              Type: "Map",
              ItemProcessor: {
                StartAt: "B",
                States: { B: { Type: "Task", Resource: "single", End: true } },
              },
              End: true,
            },
          },
        },
      ],
      End: true,
    },
    Done: { Type: "Succeed" },
    Failed: { Type: "Fail", Error: "Broken" },
  },
});

Deno.test("the graph: nodes in order, edges of every kind, nested graphs", () => {
  const graph = graphOf(machine);
  assert.equal(graph.startAt, "Route");
  assert.deepEqual(graph.nodes.map((n) => [n.name, n.type, n.resource]), [
    ["Route", "Choice", undefined],
    ["One", "Task", "single"],
    ["Fan", "Parallel", undefined],
    ["Done", "Succeed", undefined],
    ["Failed", "Fail", undefined],
  ]);
  assert.deepEqual(graph.edges, [
    { from: "Route", to: "Fan", kind: "choice", label: "$.n > 3" },
    { from: "Route", to: "One", kind: "default" },
    { from: "One", to: "Done", kind: "next" },
    { from: "One", to: "Failed", kind: "catch", label: "Boom, Bang" },
    { from: "Fan", to: null, kind: "end" },
    { from: "Done", to: null, kind: "end" },
    { from: "Failed", to: null, kind: "fail", label: "Broken" },
  ]);
  const fan = graph.nodes[2];
  assert.equal(fan.branches?.length, 2);
  assert.deepEqual(fan.branches?.[0].nodes.map((n) => n.name), ["A"]);
  const each = fan.branches?.[1].nodes[0];
  assert.equal(each?.type, "Map");
  assert.deepEqual(each?.processor?.nodes.map((n) => n.resource), ["single"]);
  assert.deepEqual(JSON.parse(JSON.stringify(graph)).startAt, "Route", "the graph is plain JSON");
});

Deno.test("taskResources lists each function once, at any depth", () => {
  assert.deepEqual(taskResources(machine), ["single", "left"]);
});

Deno.test("taskStates lists every Task state at any depth, in order, with its function", () => {
  assert.deepEqual(taskStates(machine), [
    { state: "One", resource: "single" },
    { state: "A", resource: "left" },
    { state: "B", resource: "single" },
  ]);
});

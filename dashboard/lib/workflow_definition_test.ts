import assert from "node:assert/strict";
import { graphOfDefinition } from "./workflow_definition.ts";

Deno.test("graphOfDefinition answers the graph of a valid definition", () => {
  const read = graphOfDefinition(JSON.stringify({
    StartAt: "A",
    States: { A: { Type: "Task", Resource: "f", Next: "B" }, B: { Type: "Succeed" } },
  }));
  assert.ok(read.ok);
  assert.deepEqual(read.graph.nodes.map((n) => [n.name, n.type, n.resource]), [
    ["A", "Task", "f"],
    ["B", "Succeed", undefined],
  ]);
});

Deno.test("graphOfDefinition says what is wrong with a bad one, naming the state", () => {
  const read = graphOfDefinition(JSON.stringify({
    StartAt: "A",
    States: { A: { Type: "Task", Resource: "f", Next: "Nowhere" } },
  }));
  assert.ok(!read.ok);
  assert.match(read.error, /"A"/);
  assert.match(read.error, /Nowhere/);
  const notJson = graphOfDefinition("{ not json");
  assert.equal(notJson.ok, false);
});

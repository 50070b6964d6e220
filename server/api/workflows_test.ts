// End-to-end tests of the /workflow routes on a real node (real Docker, Python and Node.js
// functions): create checks, list/get/delete, and sync runs of a sequence, a choice, a parallel
// fan-out, a map over 50 items, and a failing task retried then caught.
import assert from "node:assert/strict";
import type { WorkflowReport } from "../../protocol/workflow.ts";
import { startTestNode, type TestNode } from "../testing/test_node.ts";
import { createWorkflowFunctions, workflowBody } from "../testing/workflows.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function withFunctions(node: TestNode): Promise<void> {
  return createWorkflowFunctions(node.post);
}

async function run(node: TestNode, name: string, definition: unknown, params: unknown) {
  const created = await node.post("/workflow/create", workflowBody(name, definition));
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.deepEqual(created.body, { Created: name });
  const invoked = await node.post(`/workflow/invoke/${name}`, { Params: params });
  return { status: invoked.status, report: invoked.body as unknown as WorkflowReport };
}

const SEQUENCE = {
  StartAt: "Double",
  States: {
    Double: { Type: "Task", Resource: "double", Parameters: { "a.$": "$.x" }, Next: "Inc" },
    Inc: { Type: "Task", Resource: "increment", Parameters: { "n.$": "$.product" }, End: true },
  },
};

Deno.test("a workflow is checked at create, listed, read, replaced and deleted", opts, async () => {
  await using node = await startTestNode();
  await withFunctions(node);
  const missing = await node.post(
    "/workflow/create",
    workflowBody("w", {
      StartAt: "A",
      States: { A: { Type: "Task", Resource: "nothere", End: true } },
    }),
  );
  assert.equal(missing.status, 400);
  assert.match(String(missing.body.Error), /state "A": "Resource" names no function \("nothere"\)/);
  const invalid = await node.post(
    "/workflow/create",
    workflowBody("w", {
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "B" } },
    }),
  );
  assert.equal(invalid.status, 400);
  assert.match(String(invalid.body.Error), /Invalid workflow definition: .*"A".*"Next"/);
  const notBase64 = await node.post("/workflow/create", { Name: "w", ASLSrc: "%%%" });
  assert.equal(notBase64.status, 400);
  assert.match(String(notBase64.body.Error), /ASLSrc/);
  const badName = await node.post("/workflow/create", workflowBody("a/b", SEQUENCE));
  assert.equal(badName.status, 400);

  assert.equal((await node.post("/workflow/create", workflowBody("seq", SEQUENCE))).status, 200);
  const again = await node.post("/workflow/create", workflowBody("seq", SEQUENCE));
  assert.equal(again.status, 409);
  assert.match(String(again.body.Error), /OverwriteIfExists/);
  assert.equal(
    (await node.post("/workflow/create", workflowBody("seq", SEQUENCE, true))).status,
    200,
  );
  const list = await node.get("/workflow/list");
  assert.deepEqual(list.body, [{ Name: "seq", Definition: JSON.stringify(SEQUENCE), Version: 2 }]);
  const one = await node.get("/workflow/get/seq");
  assert.deepEqual(one.body, { Name: "seq", Definition: JSON.stringify(SEQUENCE), Version: 2 });
  assert.equal((await node.get("/workflow/get/nope")).status, 404);
  assert.equal((await node.post("/workflow/invoke/nope", {})).status, 404);

  assert.deepEqual((await node.post("/workflow/delete", { Name: "seq" })).body, { Deleted: "seq" });
  assert.equal((await node.post("/workflow/delete", { Name: "seq" })).status, 404);
  assert.deepEqual((await node.get("/workflow/list")).body, []);
});

Deno.test("a sequence and a choice run their tasks through the dispatcher", opts, async () => {
  await using node = await startTestNode();
  await withFunctions(node);
  const sequence = await run(node, "seq", SEQUENCE, { x: 3 });
  assert.equal(sequence.status, 200, JSON.stringify(sequence.report));
  assert.equal(sequence.report.Success, true);
  assert.deepEqual(sequence.report.Result, { n: 7 });
  assert.deepEqual(Object.keys(sequence.report.Reports).sort(), ["Double", "Inc"]);
  const id = node.node.services.identity.id;
  for (const report of Object.values(sequence.report.Reports)) {
    assert.equal(report.Success, true);
    assert.equal(report.ExecutedOn, id);
    assert.equal(report.IsWarmStart, false);
  }
  assert.ok(sequence.report.ResponseTime > 0);
  const folded = await node.post("/workflow/invoke/seq", { params: { x: 1 }, qos: { class: 1 } });
  assert.deepEqual(folded.body.Result, { n: 3 }, "field names in any case, as Serverledge");

  const choice = {
    StartAt: "Size",
    States: {
      Size: {
        Type: "Choice",
        Choices: [{ Variable: "$.x", NumericGreaterThan: 10, Next: "Big" }],
        Default: "Small",
      },
      Big: { Type: "Pass", Result: { big: true }, End: true },
      Small: { Type: "Task", Resource: "double", Parameters: { "a.$": "$.x" }, End: true },
    },
  };
  const small = await run(node, "choose", choice, { x: 4 });
  assert.deepEqual(small.report.Result, { a: 4, b: 2, product: 8 });
  assert.deepEqual(Object.keys(small.report.Reports), ["Small"]);
  assert.equal(small.report.Reports.Small.IsWarmStart, true); // the container of the sequence
  const big = await node.post("/workflow/invoke/choose", { Params: { x: 40 } });
  assert.deepEqual(big.body.Result, { big: true });
  assert.deepEqual(big.body.Reports, {});
});

Deno.test(
  "a parallel fan-out and a map over 50 items keep branch and item order",
  opts,
  async () => {
    await using node = await startTestNode();
    await withFunctions(node);
    const parallel = await run(node, "fan", {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          End: true,
          Branches: [
            {
              StartAt: "D",
              States: {
                D: { Type: "Task", Resource: "double", Parameters: { "a.$": "$.x" }, End: true },
              },
            },
            {
              StartAt: "I",
              States: {
                I: { Type: "Task", Resource: "increment", Parameters: { "n.$": "$.x" }, End: true },
              },
            },
          ],
        },
      },
    }, { x: 5 });
    assert.equal(parallel.report.Success, true, JSON.stringify(parallel.report));
    assert.deepEqual(parallel.report.Result, [{ a: 5, b: 2, product: 10 }, { n: 6 }]);
    assert.deepEqual(Object.keys(parallel.report.Reports).sort(), ["Both/0/D", "Both/1/I"]);

    const items = Array.from({ length: 50 }, (_, i) => i);
    const map = await run(node, "each", {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemsPath: "$.items",
          MaxConcurrency: 4,
          ItemSelector: { "n.$": "$$.Map.Item.Value" },
          ItemProcessor: {
            StartAt: "Inc",
            States: { Inc: { Type: "Task", Resource: "increment", End: true } },
          },
          End: true,
        },
      },
    }, { items });
    assert.equal(map.report.Success, true, JSON.stringify(map.report).slice(0, 500));
    assert.deepEqual(map.report.Result, items.map((n) => ({ n: n + 1 })));
    assert.equal(Object.keys(map.report.Reports).length, 50);
    assert.ok(map.report.Reports["Each/49/Inc"].Success);
  },
);

Deno.test(
  "a failing task is retried, then caught, and an uncaught failure fails the run",
  opts,
  async () => {
    await using node = await startTestNode();
    await withFunctions(node);
    const caught = await run(node, "rescue", {
      StartAt: "Try",
      States: {
        Try: {
          Type: "Task",
          Resource: "fail",
          Parameters: { message: "boom" },
          Retry: [{
            ErrorEquals: ["States.TaskFailed"],
            MaxAttempts: 2,
            IntervalSeconds: 1,
            BackoffRate: 1,
          }],
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Recover" }],
          End: true,
        },
        Recover: { Type: "Task", Resource: "increment", Parameters: { n: 41 }, End: true },
      },
    }, {});
    assert.equal(caught.report.Success, true, JSON.stringify(caught.report));
    assert.deepEqual(caught.report.Result, { n: 42 });
    assert.deepEqual(Object.keys(caught.report.Reports).sort(), [
      "Recover",
      "Try",
      "Try@2",
      "Try@3",
    ]);
    for (const step of ["Try", "Try@2", "Try@3"]) {
      assert.equal(caught.report.Reports[step].Success, false);
      assert.match(String(caught.report.Reports[step].Error), /boom/);
    }

    const uncaught = await run(node, "doomed", {
      StartAt: "Try",
      States: { Try: { Type: "Task", Resource: "fail", End: true } },
    }, {});
    assert.equal(uncaught.status, 500);
    assert.equal(uncaught.report.Success, false);
    assert.equal(uncaught.report.Error, "States.TaskFailed");
    assert.match(String(uncaught.report.Cause), /always fails/);
  },
);

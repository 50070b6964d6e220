import assert from "node:assert/strict";
import {
  buildInvokeBody,
  buildWorkflowInvokeBody,
  emptyInvokeForm,
  switchMode,
  whereItRan,
} from "./invoke_form.ts";
import type { ExecutionReport } from "../../protocol/invocation.ts";

Deno.test("the invoke form makes Serverledge's body", () => {
  const form = {
    ...emptyInvokeForm("hello"),
    rows: [{ key: "name", value: "Edge" }, { key: "n", value: "2" }],
    async: true,
    qosClass: 1,
    maxRespT: "0.5",
  };
  assert.deepEqual(buildInvokeBody(form), {
    ok: true,
    body: {
      Params: { name: "Edge", n: 2 },
      CanDoOffloading: true,
      Async: true,
      QoSClass: 1,
      QoSMaxRespT: 0.5,
      ReturnOutput: true,
    },
  });
  const json = buildInvokeBody({ ...emptyInvokeForm("f"), mode: "json", json: '{"a": [1]}' });
  assert.ok(json.ok && json.body.QoSMaxRespT === -1 && Array.isArray(json.body.Params.a));
  assert.equal(buildInvokeBody({ ...emptyInvokeForm("f"), maxRespT: "-2" }).ok, false);
  assert.equal(buildInvokeBody({ ...emptyInvokeForm("f"), mode: "json", json: "[]" }).ok, false);
});

Deno.test("the same form makes a workflow invocation's body, with QoS as an object", () => {
  const form = {
    ...emptyInvokeForm("pipeline"),
    rows: [{ key: "n", value: "3" }],
    canDoOffloading: false,
    qosClass: 2,
    maxRespT: "1.5",
  };
  assert.deepEqual(buildWorkflowInvokeBody(form), {
    ok: true,
    body: {
      Params: { n: 3 },
      QoS: { Class: 2, MaxRespT: 1.5 },
      CanDoOffloading: false,
      Async: false,
    },
  });
  const none = buildWorkflowInvokeBody(emptyInvokeForm("p"));
  assert.ok(none.ok && none.body.QoS.MaxRespT === 0);
  assert.equal(buildWorkflowInvokeBody({ ...emptyInvokeForm("p"), maxRespT: "x" }).ok, false);
});

Deno.test("switching the parameter editor carries the parameters over", () => {
  const rows = { ...emptyInvokeForm("f"), rows: [{ key: "a", value: "1" }] };
  const toJson = switchMode(rows, "json");
  assert.equal(toJson.form.json, '{\n  "a": 1\n}');
  const back = switchMode({ ...toJson.form, json: '{"b": "x"}' }, "rows");
  assert.deepEqual(back.form.rows, [{ key: "b", value: "x" }]);
  const broken = switchMode({ ...toJson.form, json: "{" }, "rows");
  assert.equal(broken.form.mode, "json");
  assert.ok(broken.error);
  assert.deepEqual(switchMode({ ...toJson.form, json: "{}" }, "rows").form.rows, [
    { key: "", value: "" },
  ]);
});

Deno.test("whereItRan reads SchedAction and ExecutedOn", () => {
  const report = { SchedAction: "", ExecutedOn: "n1" } as ExecutionReport;
  assert.equal(whereItRan(report, "n1"), "here (n1)");
  assert.equal(
    whereItRan({ ...report, SchedAction: "O", ExecutedOn: "cloud" }, "n1"),
    "offloaded to cloud",
  );
  assert.equal(whereItRan({ ...report, ExecutedOn: undefined }, "n1"), "here");
});

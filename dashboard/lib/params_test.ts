import assert from "node:assert/strict";
import { paramsToRows, parseParamsJson, parseValue, rowsToParams, valueText } from "./params.ts";

Deno.test("parseValue reads JSON literals and keeps other text", () => {
  assert.equal(parseValue("2"), 2);
  assert.equal(parseValue("-1.5"), -1.5);
  assert.equal(parseValue("true"), true);
  assert.equal(parseValue("null"), null);
  assert.deepEqual(parseValue('{"a": [1]}'), { a: [1] });
  assert.equal(parseValue('"2"'), "2");
  assert.equal(parseValue("Edge"), "Edge");
  assert.equal(parseValue("2 apples"), "2 apples");
  assert.equal(parseValue("{not json"), "{not json");
  assert.equal(parseValue(""), "");
});

Deno.test("rows and params convert both ways", () => {
  const result = rowsToParams([
    { key: "name", value: "Edge" },
    { key: " n ", value: "2" },
    { key: "", value: "ignored" },
    { key: "quoted", value: '"7"' },
  ]);
  assert.deepEqual(result, { ok: true, params: { name: "Edge", n: 2, quoted: "7" } });
  if (!result.ok) return;
  assert.deepEqual(rowsToParams(paramsToRows(result.params)), result);
  assert.equal(valueText("7"), '"7"');
  assert.equal(valueText("Edge"), "Edge");
  assert.equal(valueText({ a: 1 }), '{"a":1}');
});

Deno.test("rowsToParams refuses a key given twice", () => {
  assert.deepEqual(rowsToParams([{ key: "a", value: "1" }, { key: "a", value: "2" }]), {
    ok: false,
    error: 'Parameter "a" is given twice',
  });
});

Deno.test("parseParamsJson wants an object", () => {
  assert.deepEqual(parseParamsJson(""), { ok: true, params: {} });
  assert.deepEqual(parseParamsJson('{"a": 1}'), { ok: true, params: { a: 1 } });
  assert.equal(parseParamsJson("[1]").ok, false);
  const bad = parseParamsJson("{a}");
  assert.ok(!bad.ok && bad.error.startsWith("Parameters are not valid JSON"));
});

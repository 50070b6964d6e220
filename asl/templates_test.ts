import assert from "node:assert/strict";
import { AslRuntimeError } from "./errors.ts";
import { applyTemplate, parseDynamicValue, parseTemplate } from "./templates.ts";

Deno.test("a template copies plain values and fills .$ keys from paths, context and intrinsics", () => {
  const template = parseTemplate({
    fixed: "x",
    nested: { list: [1, { "v.$": "$.a" }] },
    "all.$": "$",
    "first.$": "$.items[0]",
    "many.$": "$.items[*].id",
    "who.$": "$$.State.Name",
    "text.$": "States.Format('{}-{}', $.a, $.items[1].id)",
  }, "Parameters");
  const input = { a: 5, items: [{ id: "p" }, { id: "q" }] };
  assert.deepEqual(applyTemplate(template, input, { State: { Name: "S" } }), {
    fixed: "x",
    nested: { list: [1, { v: 5 }] },
    all: input,
    first: { id: "p" },
    many: ["p", "q"],
    who: "S",
    text: "5-q",
  });
});

Deno.test("a path that matches nothing fails with States.ParameterPathFailure naming the key", () => {
  const template = parseTemplate({ deep: { "x.$": "$.missing" } }, "Parameters");
  assert.throws(
    () => applyTemplate(template, {}, {}),
    (e: AslRuntimeError) =>
      e.error === "States.ParameterPathFailure" && e.cause.includes('"Parameters.deep.x.$"') &&
      e.cause.includes("$.missing"),
  );
});

Deno.test("bad templates are refused with the key", () => {
  assert.throws(
    () => parseTemplate({ "a.$": 3 }, "Parameters"),
    /"Parameters.a.\$" must be a string/,
  );
  assert.throws(
    () => parseTemplate({ "a.$": "nope" }, "ResultSelector"),
    /"ResultSelector.a.\$": "nope" is neither/,
  );
  assert.throws(() => parseTemplate({ b: { "a.$": "$[" } }, "Parameters"), /"Parameters.b.a.\$"/);
  assert.throws(() => parseTemplate({ a: 1, "a.$": "$" }, "Parameters"), /given twice/);
  assert.throws(
    () => parseTemplate({ "a.$": "States.Nope()" }, "Parameters"),
    /not a supported intrinsic/,
  );
});

Deno.test("dynamic values: a path or an intrinsic call", () => {
  assert.equal(parseDynamicValue("$.a").kind, "path");
  assert.equal(parseDynamicValue("States.Array()").kind, "intrinsic");
  assert.throws(() => parseDynamicValue("plain"), /neither a path/);
});

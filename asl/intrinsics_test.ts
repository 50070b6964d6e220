import assert from "node:assert/strict";
import { AslRuntimeError } from "./errors.ts";
import { evaluateIntrinsic, IntrinsicSyntaxError, parseIntrinsic } from "./intrinsics.ts";
import type { Json } from "./json.ts";

const input: Json = { name: "Ada", n: 3, list: [1, 2, 2, 3], obj: { a: 1 }, text: '{"k":[1]}' };
const call = (source: string, context: Json = {}) =>
  evaluateIntrinsic(parseIntrinsic(source), input, context);

Deno.test("States.Format fills {} in order, with escapes", () => {
  assert.equal(call("States.Format('{} has {} items', $.name, $.n)"), "Ada has 3 items");
  assert.equal(
    call("States.Format('literal \\{\\} and it\\'s {}', true)"),
    "literal {} and it's true",
  );
  assert.equal(call("States.Format('{}', null)"), "null");
  assert.throws(() => call("States.Format('{} {}', 1)"), AslRuntimeError);
  assert.throws(() => call("States.Format('{}', $.obj)"), /not a string, number, boolean or null/);
});

Deno.test("JSON conversions", () => {
  assert.deepEqual(call("States.StringToJson($.text)"), { k: [1] });
  assert.equal(call("States.JsonToString($.obj)"), '{"a":1}');
  assert.throws(() => call("States.StringToJson('nope')"), /not JSON/);
});

Deno.test("array functions", () => {
  assert.deepEqual(call("States.Array(1, 'two', $.n, States.Array())"), [1, "two", 3, []]);
  assert.deepEqual(call("States.ArrayPartition($.list, 3)"), [[1, 2, 2], [3]]);
  assert.equal(call("States.ArrayContains($.list, 3)"), true);
  assert.equal(call("States.ArrayContains($.list, 9)"), false);
  assert.deepEqual(call("States.ArrayRange(1, 9, 3)"), [1, 4, 7]);
  assert.deepEqual(call("States.ArrayRange(3, 1, -1)"), [3, 2, 1]);
  assert.equal(call("States.ArrayGetItem($.list, 3)"), 3);
  assert.equal(call("States.ArrayLength($.list)"), 4);
  assert.deepEqual(call("States.ArrayUnique($.list)"), [1, 2, 3]);
  assert.throws(() => call("States.ArrayGetItem($.list, 4)"), /outside the array/);
  assert.throws(() => call("States.ArrayPartition($.list, 0)"), /positive/);
  assert.throws(
    () => call("States.ArrayLength($.name)"),
    /must be an array, not string/,
  );
});

Deno.test("encoding, math, merge and split", () => {
  assert.equal(call("States.Base64Encode('héllo')"), "aMOpbGxv");
  assert.equal(call("States.Base64Decode('aMOpbGxv')"), "héllo");
  assert.equal(call("States.MathAdd($.n, -5)"), -2);
  assert.deepEqual(call("States.JsonMerge($.obj, States.StringToJson('{\"b\":2}'), false)"), {
    a: 1,
    b: 2,
  });
  assert.deepEqual(call("States.StringSplit('a,b;;c', ',;')"), ["a", "b", "c"]);
  assert.throws(() => call("States.MathAdd(1.5, 1)"), /integer/);
  assert.throws(() => call("States.JsonMerge($.obj, $.obj, true)"), /shallow/);
});

Deno.test("paths in arguments read the input and the context; a missing one fails", () => {
  assert.equal(call("States.Format('{}', $$.State.Name)", { State: { Name: "S" } }), "S");
  assert.throws(
    () => call("States.ArrayLength($.none)"),
    (e: AslRuntimeError) => e.error === "States.IntrinsicFailure",
  );
});

Deno.test("calls that do not parse, or name no supported function, are refused", () => {
  for (
    const bad of [
      "States.Nope(1)",
      "States.UUID()",
      "States.Format(",
      "States.Format('x'",
      "States.Format('x') extra",
      "States.ArrayLength()",
      "States.ArrayGetItem($.a)",
      "States.Array(bare)",
      "States.Format('unterminated)",
    ]
  ) assert.throws(() => parseIntrinsic(bad), IntrinsicSyntaxError, bad);
  assert.throws(() => parseIntrinsic("States.MathAdd(1)"), /takes 2 argument/);
});

import assert from "node:assert/strict";
import { CliError, UsageError } from "./errors.ts";
import { parseParams, parseParamValue, parseQosClass, readParamsFile } from "./params.ts";

Deno.test("parseParamValue reads JSON where it parses and keeps text otherwise", () => {
  const cases: [string, unknown][] = [
    ["2", 2],
    ["-1.5", -1.5],
    ["1e3", 1000],
    ["true", true],
    ["false", false],
    ["null", null],
    ["[1,2]", [1, 2]],
    ['{"x":1}', { x: 1 }],
    ['"2"', "2"],
    ["Edge", "Edge"],
    ["007", "007"],
    ["hello world", "hello world"],
    ["", ""],
    ["True", "True"],
  ];
  for (const [text, value] of cases) assert.deepEqual(parseParamValue(text), value, text);
});

Deno.test("parseParams splits at the first colon and reads comma-separated pairs", () => {
  assert.deepEqual(parseParams(["a:2", "b:3"]), { a: 2, b: 3 });
  assert.deepEqual(parseParams(["url:http://x:80/y"]), { url: "http://x:80/y" });
  assert.deepEqual(parseParams(["a:1,b:x"]), { a: 1, b: "x" });
  assert.deepEqual(parseParams(["list:[1,2]"]), { list: [1, 2] });
  assert.deepEqual(parseParams(["msg:hello, world"]), { msg: "hello, world" });
  assert.deepEqual(parseParams(["a:1", "a:2"]), { a: 2 });
  assert.deepEqual(parseParams(["empty:"]), { empty: "" });
});

Deno.test("parseParams refuses a parameter without a name or a colon", () => {
  for (const bad of ["novalue", ":3"]) {
    assert.throws(
      () => parseParams([bad]),
      new UsageError(`Parameter "${bad}" must be written name:value`),
    );
  }
});

Deno.test("parseQosClass maps names and numbers, and reads async as an async invocation", () => {
  assert.deepEqual(parseQosClass(undefined), { qosClass: 0, async: false });
  assert.deepEqual(parseQosClass("low"), { qosClass: 0, async: false });
  assert.deepEqual(parseQosClass("performance"), { qosClass: 1, async: false });
  assert.deepEqual(parseQosClass("HIGH_PERFORMANCE"), { qosClass: 1, async: false });
  assert.deepEqual(parseQosClass("availability"), { qosClass: 2, async: false });
  assert.deepEqual(parseQosClass("batch"), { qosClass: 2, async: false });
  assert.deepEqual(parseQosClass("7"), { qosClass: 7, async: false });
  assert.deepEqual(parseQosClass("async"), { qosClass: 0, async: true });
  assert.throws(() => parseQosClass("urgent"), (error: Error) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /^QoS class "urgent" is unknown: use a number or one of "low"/);
    return true;
  });
  assert.throws(() => parseQosClass("constructor"), UsageError);
  assert.throws(() => parseQosClass("-1"), UsageError);
});

Deno.test("readParamsFile reads a JSON object and explains what else it finds", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      return `${dir}/${name}`;
    };
    assert.deepEqual(await readParamsFile(await write("ok.json", '{"a": 2, "s": "x"}')), {
      a: 2,
      s: "x",
    });
    const array = await write("array.json", "[1]");
    await assert.rejects(
      readParamsFile(array),
      new CliError(`Parameters file "${array}" must hold a JSON object of parameters`),
    );
    const broken = await write("broken.json", "{a:");
    await assert.rejects(readParamsFile(broken), /is not valid JSON/);
    await assert.rejects(
      readParamsFile(`${dir}/missing.json`),
      new CliError(`Cannot read parameters file "${dir}/missing.json": no such file or directory`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

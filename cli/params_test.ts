import assert from "node:assert/strict";
import { CliError, UsageError } from "./errors.ts";
import {
  commandLineParams,
  parseJsonParams,
  parseParams,
  parseQosClass,
  readParamsFile,
} from "./params.ts";

Deno.test("parseParams sends every value as a string, as Serverledge's CLI does", () => {
  // `-p n:17` gives the function "17" on both CLIs: the same command line, the same input.
  assert.deepEqual(parseParams(["n:17", "on:true", "xs:[1,2]", "nil:null", 'q:"2"']), {
    n: "17",
    on: "true",
    xs: "[1,2]",
    nil: "null",
    q: '"2"',
  });
});

Deno.test("parseParams splits at the first colon and reads comma-separated pairs", () => {
  assert.deepEqual(parseParams(["a:2", "b:3"]), { a: "2", b: "3" });
  assert.deepEqual(parseParams(["url:http://x:80/y"]), { url: "http://x:80/y" });
  assert.deepEqual(parseParams(["a:1,b:x"]), { a: "1", b: "x" });
  assert.deepEqual(parseParams(["list:[1,2]"]), { list: "[1,2]" });
  assert.deepEqual(parseParams(["msg:hello, world"]), { msg: "hello, world" });
  assert.deepEqual(parseParams(["a:1", "a:2"]), { a: "2" });
  assert.deepEqual(parseParams(["empty:"]), { empty: "" });
});

Deno.test("parseParams and parseJsonParams keep __proto__ as a parameter", () => {
  const text = parseParams(["__proto__:x"]);
  assert.ok(Object.hasOwn(text, "__proto__"));
  assert.equal(JSON.stringify(text), '{"__proto__":"x"}');
  const typed = parseJsonParams(['__proto__:{"polluted":1}']);
  assert.equal(JSON.stringify(typed), '{"__proto__":{"polluted":1}}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("parseParams refuses a parameter without a name or a colon", () => {
  for (const bad of ["novalue", ":3"]) {
    for (const parse of [parseParams, parseJsonParams]) {
      assert.throws(
        () => parse([bad]),
        new UsageError(`Parameter "${bad}" must be written name:value`),
      );
    }
  }
});

Deno.test("parseJsonParams reads each value as JSON, commas included", () => {
  assert.deepEqual(
    parseJsonParams(["n:17", "x:-1.5e1", "on:true", "nil:null", 'o:{"a":1,"b":[2,3]}', 's:"2"']),
    { n: 17, x: -15, on: true, nil: null, o: { a: 1, b: [2, 3] }, s: "2" },
  );
  for (const bad of ["n:Edge", "n:", "n:True", "n:1,b:2"]) {
    assert.throws(() => parseJsonParams([bad]), (error: Error) => {
      assert.ok(error instanceof UsageError, bad);
      assert.match(
        error.message,
        new RegExp(`^Parameter "${bad}" of -param_json must have a JSON`),
      );
      return true;
    });
  }
});

Deno.test("commandLineParams joins both kinds and refuses a name given by both", () => {
  assert.deepEqual(commandLineParams(["a:2", "s:x"], ["n:2"]), { a: "2", s: "x", n: 2 });
  assert.throws(
    () => commandLineParams(["n:2"], ["n:2"]),
    new UsageError('Parameter "n" is given by both -param and -param_json'),
  );
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
    // A relative path is read from the given directory.
    assert.deepEqual(await readParamsFile("ok.json", dir), { a: 2, s: "x" });
    await assert.rejects(
      readParamsFile(`${dir}/missing.json`),
      new CliError(`Cannot read parameters file "${dir}/missing.json": no such file or directory`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { AslRuntimeError } from "./errors.ts";
import { selectWith, withResult } from "./io.ts";
import { parseReferencePath } from "./json_path.ts";

const path = parseReferencePath;

Deno.test("InputPath/OutputPath: absent is everything, null is {}, a missing path is States.Runtime", () => {
  assert.deepEqual(selectWith(undefined, { a: 1 }, "InputPath"), { a: 1 });
  assert.deepEqual(selectWith(null, { a: 1 }, "InputPath"), {});
  assert.equal(selectWith(path("$.a"), { a: 1 }, "InputPath"), 1);
  assert.throws(
    () => selectWith(path("$.b"), { a: 1 }, "OutputPath"),
    (e: AslRuntimeError) => e.error === "States.Runtime" && e.cause.includes('"OutputPath"'),
  );
});

Deno.test("ResultPath: absent replaces, null keeps the input, a path merges; a clash fails", () => {
  assert.equal(withResult(undefined, { a: 1 }, 2), 2);
  assert.deepEqual(withResult(null, { a: 1 }, 2), { a: 1 });
  assert.deepEqual(withResult(path("$.r.s"), { a: 1 }, 2), { a: 1, r: { s: 2 } });
  assert.throws(
    () => withResult(path("$.a.b"), { a: 1 }, 2),
    (e: AslRuntimeError) => e.error === "States.ResultPathMatchFailure",
  );
});

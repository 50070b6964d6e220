import assert from "node:assert/strict";
import { BadRequestError } from "../errors.ts";
import { MAX_JSON_DEPTH, parseJsonBody } from "./json.ts";

const nested = (depth: number, open = "[", close = "]") => open.repeat(depth) + close.repeat(depth);

Deno.test("parseJsonBody parses JSON and reads white space as no body", () => {
  assert.deepEqual(parseJsonBody('{"Params": {"a": [1, {"b": "x"}]}}'), {
    Params: { a: [1, { b: "x" }] },
  });
  assert.equal(parseJsonBody(""), undefined);
  assert.equal(parseJsonBody(" \n\t"), undefined);
});

Deno.test("parseJsonBody accepts nesting up to the limit and refuses one level more", () => {
  assert.ok(Array.isArray(parseJsonBody(nested(MAX_JSON_DEPTH))));
  const objects = '{"a":'.repeat(MAX_JSON_DEPTH) + "1" + "}".repeat(MAX_JSON_DEPTH);
  assert.ok(typeof parseJsonBody(objects) === "object");
  for (const text of [nested(MAX_JSON_DEPTH + 1), `{"Params": {"a": ${nested(100_000)}}}`]) {
    assert.throws(
      () => parseJsonBody(text),
      (error: unknown) =>
        error instanceof BadRequestError &&
        error.message === "Request body nests arrays and objects more than 256 levels deep: " +
            "flatten it",
    );
  }
});

Deno.test("brackets inside strings, escaped quotes included, do not count as nesting", () => {
  const deepText = `"${"[".repeat(1000)}\\"${"{".repeat(1000)}\\\\"`;
  assert.equal(
    (parseJsonBody(`{"a": ${deepText}, "b": [[1]]}`) as { a: string }).a.length,
    2002,
  );
  // An escaped backslash before a quote ends the string: the brackets after it count.
  assert.throws(() => parseJsonBody(`["\\\\", ${nested(MAX_JSON_DEPTH)}]`), /levels deep/);
});

Deno.test("malformed JSON is a 400 saying so, also when a string is not closed", () => {
  for (const text of ["{not json", '{"a": "open', "[1,", "]]]"]) {
    assert.throws(
      () => parseJsonBody(text),
      (error: unknown) =>
        error instanceof BadRequestError && /^Request body is not valid JSON: /.test(error.message),
      text,
    );
  }
});

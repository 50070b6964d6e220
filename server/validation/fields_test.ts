import assert from "node:assert/strict";
import { BadRequestError } from "../errors.ts";
import { optionalObject } from "./fields.ts";

Deno.test("optionalObject gives an empty object for a missing or null field", () => {
  assert.deepEqual(optionalObject({}, "Params"), {});
  assert.deepEqual(optionalObject({ Params: null }, "Params"), {});
  assert.deepEqual(optionalObject({ Params: { a: 1 } }, "Params"), { a: 1 });
});

Deno.test("optionalObject refuses an array or a scalar, naming the field", () => {
  for (const value of [[1], "x", 3, true]) {
    assert.throws(
      () => optionalObject({ Params: value }, "Params"),
      (error) =>
        error instanceof BadRequestError && /"Params" must be a JSON object/.test(error.message),
    );
  }
});

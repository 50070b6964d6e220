import assert from "node:assert/strict";
import { BadRequestError } from "../errors.ts";
import { decodeFields, foldName } from "./wire_fields.ts";

const FIELDS = ["Params", "Async", "QoSMaxRespT"];

Deno.test("keys in any case name their field; user data inside keeps its keys", () => {
  assert.deepEqual(
    decodeFields({ params: { Name: 1, name: 2 }, ASYNC: true, qosmaxrespt: 3 }, "Body", FIELDS),
    { Params: { Name: 1, name: 2 }, Async: true, QoSMaxRespT: 3 },
  );
  assert.deepEqual(decodeFields({ Params: { a: 1 } }, "Body", FIELDS), { Params: { a: 1 } });
});

Deno.test("keys naming no field are dropped, as Go ignores them", () => {
  assert.deepEqual(decodeFields({ Parameters: 1, Asyn: true }, "Body", FIELDS), {});
});

Deno.test("the later of two keys naming one field wins; two objects merge", () => {
  assert.deepEqual(decodeFields({ async: true, Async: false }, "Body", FIELDS), { Async: false });
  assert.deepEqual(decodeFields({ Async: false, aSync: true }, "Body", FIELDS), { Async: true });
  assert.deepEqual(
    decodeFields({ params: { a: 1, b: 1 }, Params: { b: 2 } }, "Body", FIELDS),
    { Params: { a: 1, b: 2 } },
  );
  assert.deepEqual(decodeFields({ params: { a: 1 }, Params: 5 }, "Body", FIELDS), { Params: 5 });
});

Deno.test("Go's folding: Kelvin sign and long s match k and s; other letters do not", () => {
  assert.equal(foldName("\u212Aey"), "key");
  assert.equal(foldName("A\u017Fync"), "async");
  assert.deepEqual(decodeFields({ "A\u017FYNC": true }, "Body", FIELDS), { Async: true });
  assert.deepEqual(decodeFields({ "Päräms": {}, "ASYNÇ": true }, "Body", FIELDS), {});
});

Deno.test("a body that is not an object is a 400 naming it", () => {
  for (const value of [[], "x", 3, null]) {
    assert.throws(
      () => decodeFields(value, "Request body", FIELDS),
      (e: unknown) =>
        e instanceof BadRequestError && e.message === "Request body must be a JSON object",
    );
  }
});

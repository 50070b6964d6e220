import assert from "node:assert/strict";
import { SIGNATURE_TYPES } from "../../protocol/function.ts";
import { BadRequestError } from "../errors.ts";
import { checkSignature, MAX_SIGNATURE_ENTRIES, MAX_SIGNATURE_NAME } from "./signature.ts";

Deno.test("no signature, null or absent, is null", () => {
  assert.equal(checkSignature(undefined), null);
  assert.equal(checkSignature(null), null);
});

Deno.test("a signature is kept as given, every Serverledge type accepted", () => {
  const inputs = SIGNATURE_TYPES.map((Type, i) => ({ Name: `in${i}`, Type }));
  const signature = { Inputs: inputs, Outputs: [{ Name: "result", Type: "Text" }] };
  assert.deepEqual(checkSignature(signature), signature);
});

Deno.test("keys match in any case, as Go decodes them; missing or null lists are empty", () => {
  assert.deepEqual(
    checkSignature({ inputs: [{ name: "n", TYPE: "Int" }], Extra: 1 }),
    { Inputs: [{ Name: "n", Type: "Int" }], Outputs: [] },
  );
  assert.deepEqual(checkSignature({ Inputs: null, Outputs: null }), { Inputs: [], Outputs: [] });
  assert.deepEqual(checkSignature({}), { Inputs: [], Outputs: [] });
});

Deno.test("a Void entry may have no name (serverledge-faas writes one for no inputs)", () => {
  const signature = { Inputs: [{ Name: "", Type: "Void" }], Outputs: [] };
  assert.deepEqual(checkSignature(signature), signature);
});

Deno.test("a bad signature is a 400 naming the entry", () => {
  const refused = (value: unknown, message: RegExp) => {
    assert.throws(() => checkSignature(value), (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.equal(error.status, 400);
      assert.match(error.message, message);
      return true;
    });
  };
  refused([], /"Signature" must be a JSON object/);
  refused("Int", /"Signature" must be a JSON object/);
  refused({ Inputs: {} }, /"Signature.Inputs" must be a list, got an object/);
  refused({ Outputs: [null] }, /"Signature.Outputs\[0\]" must be an object/);
  refused(
    { Inputs: [{ Name: "a", Type: "Int" }, { Name: "b", Type: "Integer" }] },
    /"Signature.Inputs\[1\].Type" must be one of Int, Float, Text, Bool, .*, got "Integer"/,
  );
  refused({ Inputs: [{ Name: "a", Type: "int" }] }, /Type" must be .*, got "int"/);
  refused({ Inputs: [{ Name: "a" }] }, /"Signature.Inputs\[0\].Type" must be .*, got nothing/);
  refused({ Inputs: [{ Name: 7, Type: "Int" }] }, /\[0\].Name" must be a string, got 7/);
  refused({ Inputs: [{ Name: "", Type: "Int" }] }, /\[0\].Name" is empty/);
  refused({ Inputs: [{ Name: "a\nb", Type: "Int" }] }, /control character/);
  refused(
    { Inputs: [{ Name: "x".repeat(MAX_SIGNATURE_NAME + 1), Type: "Int" }] },
    /at most 128 characters/,
  );
  refused(
    { Outputs: [{ Name: "a", Type: "Int" }, { Name: "a", Type: "Text" }] },
    /"Signature.Outputs\[1\]" repeats the name "a"/,
  );
  const many = Array.from({ length: MAX_SIGNATURE_ENTRIES + 1 }, (_, i) => ({
    Name: `p${i}`,
    Type: "Int",
  }));
  refused({ Inputs: many }, /has 101 entries, more than 100/);
});

Deno.test("the same name may be an input and an output", () => {
  const signature = {
    Inputs: [{ Name: "key", Type: "Text" }],
    Outputs: [{ Name: "key", Type: "Text" }],
  };
  assert.deepEqual(checkSignature(signature), signature);
});

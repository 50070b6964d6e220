import assert from "node:assert/strict";
import { UsageError } from "./errors.ts";
import { parseSignature } from "./signature.ts";

Deno.test("no -input and no -output is no signature", () => {
  assert.equal(parseSignature([], []), undefined);
});

Deno.test("-input and -output give the Signature, in order, several per option too", () => {
  assert.deepEqual(parseSignature(["a:Int,b:ArrayText", "c:Bool"], []), {
    Inputs: [{ Name: "a", Type: "Int" }, { Name: "b", Type: "ArrayText" }, {
      Name: "c",
      Type: "Bool",
    }],
    Outputs: [],
  });
  assert.deepEqual(parseSignature([], ["sum:Float"]), {
    Inputs: [],
    Outputs: [{ Name: "sum", Type: "Float" }],
  });
  assert.deepEqual(
    parseSignature(["ns:key:Text"], []),
    { Inputs: [{ Name: "ns:key", Type: "Text" }], Outputs: [] },
    "split at the last colon: a type has none",
  );
});

Deno.test("an entry without a name or with an unknown type is a usage error naming it", () => {
  for (const [entry, flag] of [["n", "input"], [":Int", "input"], ["n:int", "output"]]) {
    const inputs = flag === "input" ? [entry] : [];
    const outputs = flag === "output" ? [entry] : [];
    assert.throws(
      () => parseSignature(inputs, outputs),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message.startsWith(`Option "-${flag}" takes name:Type`) &&
        error.message.endsWith(`got "${entry}"`),
    );
  }
});

import assert from "node:assert/strict";
import { failedReport } from "../invoke/report.ts";
import {
  decodeGoFunction,
  decodeGoResponse,
  goFunctionJson,
  goResponseJson,
} from "./go_formats.ts";

const fn = {
  Name: "hello",
  Runtime: "python310",
  MemoryMB: 128,
  CPUDemand: 0.5,
  Handler: "hello.handler",
  TarFunctionCode: "",
  CustomImage: "",
};

Deno.test("a Go node writes every field of function.Function, Signature null by default", () => {
  assert.deepEqual(JSON.parse(goFunctionJson(fn)), { ...fn, Signature: null });
});

Deno.test("decodeGoFunction follows encoding/json: any case, unknown keys ignored, null is zero", () => {
  const decoded = decodeGoFunction(JSON.stringify({
    name: "hello",
    RUNTIME: "nodejs17ng",
    MemoryMB: 64,
    CPUDemand: null,
    Timeout: 30,
    Version: "v1",
  }));
  assert.deepEqual(decoded, {
    Name: "hello",
    Runtime: "nodejs17ng",
    MemoryMB: 64,
    CPUDemand: 0,
    Handler: "",
    TarFunctionCode: "",
    CustomImage: "",
    Signature: null,
  });
});

Deno.test("decodeGoFunction fails where Go fails: types, and runtimes Go does not have", () => {
  const bad = (change: Record<string, unknown>) => () =>
    decodeGoFunction(JSON.stringify({ ...fn, ...change }));
  assert.throws(bad({ MemoryMB: 12.5 }), /MemoryMB int64/);
  assert.throws(bad({ MemoryMB: "128" }), /MemoryMB int64/);
  assert.throws(bad({ Name: 1 }), /Name string/);
  assert.throws(bad({ Signature: [] }), /Signature \*function.Signature/);
  assert.throws(bad({ Signature: { Inputs: {} } }), /object into Signature.Inputs/);
  assert.throws(bad({ Signature: { Inputs: [{ Name: "n", Type: 1 }] } }), /Type string/);
  assert.throws(bad({ Runtime: "python311" }), /no runtime "python311"/);
  assert.throws(() => decodeGoFunction("[]"), /array/);
});

Deno.test("decodeGoFunction decodes a Signature as Go does: any case, nil slices and entries", () => {
  const signature = { inputs: [{ name: "n", TYPE: "Int" }, null], Outputs: null, Other: 1 };
  assert.deepEqual(decodeGoFunction(JSON.stringify({ ...fn, signature })).Signature, {
    Inputs: [{ Name: "n", Type: "Int" }, null],
    Outputs: null,
  });
});

Deno.test("a Go Response has Success and the report's fields, zero values for the rest", () => {
  const json = goResponseJson({ Success: false });
  assert.deepEqual(decodeGoResponse(json), JSON.parse(json));
  // What Go publishes for a request it could not run is this node's failed report, but `Error`.
  const { Error: _reason, ...failed } = failedReport("no resources");
  assert.deepEqual(JSON.parse(json), failed);
  assert.throws(() => decodeGoResponse('{"Success":"yes"}'), /Success bool/);
});

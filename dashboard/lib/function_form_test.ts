import assert from "node:assert/strict";
import { readCodeArchive } from "../../server/functions/code_archive.ts";
import {
  buildDefinition,
  emptyForm,
  findRuntimeInfo,
  formFromFunction,
  isArchive,
} from "./function_form.ts";
import type { FunctionInfo } from "../../protocol/function.ts";

/** A listed function `f` (Python, 128 MB, the defaults), then `changes`. */
function listed(changes: Partial<FunctionInfo> = {}): FunctionInfo {
  return {
    Name: "f",
    Runtime: "python311",
    MemoryMB: 128,
    CPUDemand: 0,
    Handler: "f.handler",
    CustomImage: "",
    MaxConcurrency: 1,
    Timeout: 60,
    Version: "v1",
    Signature: null,
    ...changes,
  };
}

Deno.test("a blank Python form with a name makes a create body with the editor's code", async () => {
  const form = { ...emptyForm("python311"), name: "hello" };
  const result = buildDefinition(form);
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(result.body.Handler, "main.handler");
  assert.equal(result.body.MemoryMB, 128);
  assert.equal(result.body.CPUDemand, undefined);
  const files = await readCodeArchive(result.body.TarFunctionCode, { maxBytes: 1 << 20 });
  assert.deepEqual(files.map((f) => f.path), ["main.py"]);
  assert.match(new TextDecoder().decode(files[0].data), /def handler/);
});

Deno.test("the form points at the field to fix", () => {
  const base = { ...emptyForm("python311"), name: "ok" };
  const field = (change: Partial<typeof base>) => {
    const r = buildDefinition({ ...base, ...change });
    return r.ok ? "ok" : r.field;
  };
  assert.equal(field({ name: "-bad" }), "name");
  assert.equal(field({ name: "a b" }), "name");
  assert.equal(field({ memory: "12.5" }), "memory");
  assert.equal(field({ memory: "0" }), "memory");
  assert.equal(field({ cpu: "x" }), "cpu");
  assert.equal(field({ cpu: "0.5" }), "ok");
  assert.equal(field({ timeout: "1.5" }), "timeout");
  assert.equal(field({ maxConcurrency: "4" }), "ok");
  assert.equal(field({ handler: " " }), "handler");
  assert.equal(field({ code: "  " }), "code");
  assert.equal(field({ source: "files" }), "files");
  assert.equal(field({ runtime: "custom", handler: "" }), "customImage");
  assert.equal(field({ runtime: "custom", handler: "", customImage: "me/img", code: "" }), "ok");
});

Deno.test("optional numbers are sent only when given", () => {
  const r = buildDefinition({
    ...emptyForm("nodejs18"),
    name: "n",
    cpu: "0.25",
    maxConcurrency: "2",
    timeout: "30",
  });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.body.Handler, "index.js");
  assert.equal(r.body.CPUDemand, 0.25);
  assert.equal(r.body.MaxConcurrency, 2);
  assert.equal(r.body.Timeout, 30);
});

Deno.test("an update form keeps the settings and asks for the code again", () => {
  const form = formFromFunction(listed({ MemoryMB: 256 }));
  assert.equal(form.memory, "256");
  assert.equal(form.cpu, "");
  assert.equal(form.maxConcurrency, "");
  assert.equal(form.timeout, "60");
  assert.equal(form.source, "files");
  const r = buildDefinition(form);
  assert.ok(!r.ok && r.field === "files");
});

Deno.test("an update form sends the function's Signature back, and a new form none", () => {
  const signature = { Inputs: [{ Name: "n", Type: "Int" as const }], Outputs: [] };
  const form = formFromFunction(listed({ Signature: signature }));
  const r = buildDefinition({ ...form, source: "editor", code: "def handler(p, c): 1" });
  assert.ok(r.ok);
  if (r.ok) assert.deepEqual(r.body.Signature, signature);
  const fresh = buildDefinition({ ...emptyForm("python311"), name: "g" });
  assert.ok(fresh.ok);
  if (fresh.ok) assert.equal("Signature" in fresh.body, false);
});

Deno.test("one picked tar is sent as it is", () => {
  const tar = new Uint8Array([1, 2, 3]);
  const r = buildDefinition({
    ...emptyForm("python311"),
    name: "t",
    source: "files",
    files: [{ path: "code.tar", data: tar }],
  });
  assert.ok(r.ok && r.body.TarFunctionCode === btoa("\x01\x02\x03"));
  assert.ok(isArchive([{ path: "x.TGZ", data: tar }]));
  assert.ok(!isArchive([{ path: "x.tar", data: tar }, { path: "y.py", data: tar }]));
});

Deno.test("a function stored under an alias shows its runtime and is sent back with the alias", () => {
  const python = {
    Name: "python311",
    Aliases: ["python310", "python3"],
    Language: "Python 3.11",
    HandlerFormat: "<module>.<function>",
    Concurrent: true,
  };
  const runtimes = [python, { ...python, Name: "custom", Aliases: [] }];
  assert.equal(findRuntimeInfo(runtimes, "python310"), python);
  assert.equal(findRuntimeInfo(runtimes, "python311"), python);
  assert.equal(findRuntimeInfo(runtimes, "cobol"), undefined);
  const form = formFromFunction(
    listed({ Name: "hello", Runtime: "python310", Handler: "hello.handler" }),
  );
  const result = buildDefinition({ ...form, code: "def handler(p, c): 1", source: "editor" });
  assert.ok(result.ok);
  if (result.ok) assert.equal(result.body.Runtime, "python310", "what a Go node reads, kept");
});

import assert from "node:assert/strict";
import { readCodeArchive } from "../../server/functions/code_archive.ts";
import {
  defaultHandler,
  editorFileName,
  packCode,
  runtimeFamily,
  starterCode,
  stripTopFolder,
  suggestHandler,
} from "./code.ts";

Deno.test("runtimeFamily knows canonical names and aliases", () => {
  assert.equal(runtimeFamily("python310"), "python");
  assert.equal(runtimeFamily("nodejs17"), "node");
  assert.equal(runtimeFamily("custom"), "custom");
  for (const name of ["deno2", "deno", "typescript"]) assert.equal(runtimeFamily(name), "deno");
});

Deno.test("stripTopFolder removes a picked folder's own name only when all share it", () => {
  assert.deepEqual(stripTopFolder(["app/hello.py", "app/lib/util.py"]), [
    "hello.py",
    "lib/util.py",
  ]);
  assert.deepEqual(stripTopFolder(["hello.py", "util.py"]), ["hello.py", "util.py"]);
  assert.deepEqual(stripTopFolder(["a/x.py", "b/y.py"]), ["a/x.py", "b/y.py"]);
  assert.deepEqual(stripTopFolder([]), []);
});

Deno.test("suggestHandler follows each runtime's convention", () => {
  assert.equal(suggestHandler("python311", ["util.py", "hello.py"]), "hello.handler");
  assert.equal(
    suggestHandler("python311", ["util.py", "main.py", "lib/handler.py"]),
    "main.handler",
  );
  assert.equal(suggestHandler("nodejs18", ["sieve.js", "index.js"]), "index.js");
  assert.equal(suggestHandler("nodejs18", ["sieve.js", "README.md"]), "sieve.js");
  assert.equal(suggestHandler("python311", ["README.md"]), "");
  assert.equal(suggestHandler("custom", ["x.py"]), "");
  assert.equal(suggestHandler("deno2", ["util.ts", "main.ts", "lib/handler.ts"]), "main.ts");
  assert.equal(suggestHandler("typescript", ["hello.ts", "README.md"]), "hello.ts");
  assert.equal(suggestHandler("deno2", ["app.mjs", "x.py"]), "app.mjs");
  assert.equal(suggestHandler("deno2", ["hello.py"]), "");
});

Deno.test("editorFileName derives the file from the handler", () => {
  assert.equal(editorFileName("python310", "hello.handler"), "hello.py");
  assert.equal(editorFileName("python310", "pkg.mod.handler"), "pkg/mod.py");
  assert.equal(editorFileName("python310", "bad"), "main.py");
  assert.equal(editorFileName("python310", defaultHandler("python310")), "main.py");
  assert.equal(editorFileName("nodejs18", "sieve.js"), "sieve.js");
  assert.equal(editorFileName("nodejs18", "../x.js"), "index.js");
  assert.equal(editorFileName("custom", "anything"), "function");
  assert.match(starterCode("python311"), /^def handler\(params, context\):/);
  assert.match(starterCode("nodejs18"), /module\.exports/);
  assert.equal(editorFileName("deno2", "hello.ts"), "hello.ts");
  assert.equal(editorFileName("deno2", "lib/f.tsx"), "lib/f.tsx");
  assert.equal(editorFileName("deno2", "lib/../../x.ts"), "main.ts");
  assert.equal(editorFileName("typescript", "hello.py"), "main.ts");
  assert.equal(editorFileName("deno2", defaultHandler("deno2")), "main.ts");
  assert.match(starterCode("deno2"), /^export default async \(params/);
});

Deno.test("packCode makes a tar the node accepts", async () => {
  const encoder = new TextEncoder();
  const code = packCode([
    { path: "lib/util.py", data: encoder.encode("X = 1\n") },
    { path: "hello.py", data: encoder.encode("def handler(p, c):\n    return 1\n") },
  ]);
  const files = await readCodeArchive(code, { maxBytes: 1 << 20 });
  assert.deepEqual(files.map((f) => f.path).sort(), ["hello.py", "lib/util.py"]);
});

import assert from "node:assert/strict";
import { builtInImages, findRuntime, imageFor, RUNTIMES } from "./catalog.ts";

Deno.test("the Deno runtime is found by its name and its aliases", () => {
  for (const name of ["deno2", "typescript", "deno"]) {
    const runtime = findRuntime(name);
    assert.equal(runtime?.name, "deno2", name);
    assert.equal(runtime.image, "serverledge-deno2");
    assert.equal(runtime.concurrent, true);
  }
  assert.equal(imageFor({ Runtime: "deno2", CustomImage: "" }), "serverledge-deno2");
  assert.ok(builtInImages().includes("serverledge-deno2"));
  assert.deepEqual(RUNTIMES.map((r) => r.name), ["python311", "nodejs18", "deno2", "custom"]);
});

Deno.test("every name and alias of the catalog names one runtime", () => {
  const names = RUNTIMES.flatMap((r) => [r.name, ...r.aliases]);
  assert.equal(new Set(names).size, names.length, names.join(", "));
});

Deno.test("a Deno handler names a TypeScript or JavaScript module of the code", () => {
  const deno = findRuntime("deno2")!;
  for (
    const handler of ["hello.ts", "lib/f.tsx", "a.mts", "b.js", "c.jsx", "esm.mjs", "x-y.z.ts"]
  ) {
    assert.equal(deno.handlerFile(handler), handler);
  }
  for (const handler of ["hello.py", "hello", "../x.ts", "lib/../../x.ts", "/abs.ts", "f.cjs"]) {
    assert.throws(
      () => deno.handlerFile(handler),
      (e: Error) =>
        e instanceof TypeError && /^Deno handler .* must be written as <file>\.ts/.test(e.message),
      handler,
    );
  }
});

Deno.test("a Node.js handler is still a .js or .cjs file", () => {
  const node = findRuntime("nodejs18")!;
  assert.equal(node.handlerFile("lib/sieve.cjs"), "lib/sieve.cjs");
  assert.throws(() => node.handlerFile("hello.ts"), /^TypeError: Node\.js handler "hello\.ts"/);
  assert.throws(() => node.handlerFile("../x.js"), TypeError);
});

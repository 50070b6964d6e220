import assert from "node:assert/strict";
import { join } from "node:path";
import { checkLayers, judge, LAYERS, type Part, partOf } from "./check_layers.ts";

/** A project of its own in a temporary folder, with `files` written in it. */
async function project(files: Record<string, string>): Promise<AsyncDisposable & { root: string }> {
  const root = await Deno.makeTempDir({ prefix: "layers-test-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return { root, [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }) };
}

const TOY: readonly Part[] = [
  { path: "low/", layer: 0 },
  { path: "left/", layer: 1 },
  { path: "right/", layer: 1 },
  { path: "top.ts", layer: 2 },
];

Deno.test("the check accepts downward imports and imports inside a part", async () => {
  await using p = await project({
    "low/a.ts": 'import { b } from "./b.ts";\nexport const a = b;\n',
    "low/b.ts": "export const b = 1;\n",
    "left/l.ts": 'import { a } from "../low/a.ts";\nexport const l = a;\n',
    "top.ts": 'import { l } from "./left/l.ts";\nconsole.log(l);\n',
  });
  assert.deepEqual(await checkLayers(p.root, TOY), []);
});

Deno.test("the check fails on an upward import, type-only ones included", async () => {
  await using p = await project({
    "low/a.ts": 'import type { L } from "../left/l.ts";\nexport const a: L = 1;\n',
    "left/l.ts": "export type L = number;\n",
  });
  const violations = await checkLayers(p.root, TOY);
  assert.deepEqual(violations.map((v) => [v.from, v.to]), [["low/a.ts", "left/l.ts"]]);
  assert.match(violations[0].reason, /low\/ \(layer 0\) may not import left\/ \(layer 1\).*higher/);
});

Deno.test("the check fails on a cycle between two parts of one layer", async () => {
  await using p = await project({
    "left/l.ts": 'import { r } from "../right/r.ts";\nexport const l = () => r();\n',
    "right/r.ts": 'import { l } from "../left/l.ts";\nexport const r = () => l;\n',
  });
  const violations = await checkLayers(p.root, TOY);
  assert.deepEqual(violations.map((v) => [v.from, v.to]).sort(), [
    ["left/l.ts", "right/r.ts"],
    ["right/r.ts", "left/l.ts"],
  ]);
  assert.match(violations[0].reason, /same layer/);
});

Deno.test("the check fails on a file in no layer and skips test files", async () => {
  await using p = await project({
    "low/a.ts": 'import { x } from "../stray/x.ts";\nexport const a = x;\n',
    "stray/x.ts": "export const x = 1;\n",
    "low/a_test.ts": 'import "../top.ts";\n',
    "top.ts": "export {};\n",
  });
  const violations = await checkLayers(p.root, TOY);
  assert.deepEqual(violations.map((v) => v.reason), [
    '"stray/x.ts" is in no layer: add its folder to the layer table',
  ]);
});

Deno.test("partOf takes the longest matching entry and judge names both parts", () => {
  const layers: Part[] = [{ path: "s/", layer: 0 }, { path: "s/top.ts", layer: 3 }];
  assert.equal(partOf("s/top.ts", layers)?.layer, 3);
  assert.equal(partOf("s/other.ts", layers)?.layer, 0);
  assert.equal(judge("s/top.ts", "s/other.ts", layers), undefined);
  assert.match(judge("s/other.ts", "s/top.ts", layers) ?? "", /s\/ \(layer 0\).*s\/top\.ts/);
});

Deno.test("every part of this repository's table is a file or folder that exists", async () => {
  const root = new URL("..", import.meta.url);
  for (const part of LAYERS) {
    const info = await Deno.stat(new URL(part.path, root));
    assert.equal(info.isDirectory, part.path.endsWith("/"), part.path);
  }
});

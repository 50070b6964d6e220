import assert from "node:assert/strict";
import {
  parseJsonPath,
  parseReferencePath,
  PathSyntaxError,
  selectPath,
  writePath,
} from "./json_path.ts";
import type { Json } from "./json.ts";

const store: Json = {
  book: [
    { title: "A", price: 8, tags: ["x"] },
    { title: "B", price: 12 },
    { title: "C", price: 30, isbn: "1" },
  ],
  "odd key": { "a.b": 1 },
  n: 0,
};

const select = (path: string, value: Json = store, context: Json = {}) =>
  selectPath(parseJsonPath(path), value, context);

Deno.test("a definite path selects one node, or nothing", () => {
  assert.deepEqual(select("$"), store);
  assert.equal(select("$.book[1].title"), "B");
  assert.equal(select("$['book'][0]['title']"), "A");
  assert.equal(select(`$["odd key"]['a.b']`), 1);
  assert.equal(select("$.book[-1].title"), "C");
  assert.equal(select("$.n"), 0);
  assert.equal(select("$.missing"), undefined);
  assert.equal(select("$.book[7]"), undefined);
  assert.equal(select("$.n.deeper"), undefined);
});

Deno.test("wildcards, slices, unions, descent and filters select arrays", () => {
  assert.deepEqual(select("$.book[*].title"), ["A", "B", "C"]);
  assert.deepEqual(select("$.book.*.price"), [8, 12, 30]);
  assert.deepEqual(select("$.book[0:2].title"), ["A", "B"]);
  assert.deepEqual(select("$.book[::-1].title"), ["C", "B", "A"]);
  assert.deepEqual(select("$.book[-2:].title"), ["B", "C"]);
  assert.deepEqual(select("$.book[0,2].title"), ["A", "C"]);
  assert.deepEqual(select("$.book[0]['title','price']"), ["A", 8]);
  assert.deepEqual(select("$..price"), [8, 12, 30]);
  assert.deepEqual(select("$..isbn"), ["1"]);
  assert.deepEqual(select("$.book[?(@.price > 10)].title"), ["B", "C"]);
  assert.deepEqual(select("$.book[?(@.title == 'A')].price"), [8]);
  assert.deepEqual(select("$.book[?(@.isbn)].title"), ["C"]);
  assert.deepEqual(select("$.book[?(@.price != 12)].title"), ["A", "C"]);
  assert.deepEqual(select("$.nothing[*]"), []);
});

Deno.test("$$ paths select from the context object", () => {
  assert.equal(select("$$.Map.Item.Index", store, { Map: { Item: { Index: 3 } } }), 3);
  assert.equal(parseJsonPath("$$.State.Name").context, true);
});

Deno.test("bad paths are refused with the reason", () => {
  for (const bad of ["x", "$.", "$[", "$.a[", "$[x]", "$..", "$.a b[0", "$[1:2:0]", "$[?(x)]"]) {
    assert.throws(() => parseJsonPath(bad), PathSyntaxError, bad);
  }
  assert.throws(() => parseJsonPath("a.b"), /does not start with "\$"/);
});

Deno.test("reference paths allow only fields and indexes", () => {
  assert.equal(parseReferencePath("$.a[0]['b c']").definite, true);
  for (const bad of ["$.a[*]", "$..a", "$.a[0:1]", "$.a[-1]", "$.a[?(@.b)]", "$[0,1]"]) {
    assert.throws(() => parseReferencePath(bad), /not a reference path/, bad);
  }
});

Deno.test("writing a path copies, creates missing objects and refuses non-objects", () => {
  const input = { a: { b: 1 }, list: [1, 2] };
  assert.deepEqual(writePath(parseReferencePath("$.a.c"), input, 2), {
    a: { b: 1, c: 2 },
    list: [1, 2],
  });
  assert.deepEqual(writePath(parseReferencePath("$.x.y"), input, true), {
    ...input,
    x: { y: true },
  });
  assert.deepEqual(writePath(parseReferencePath("$.list[1]"), input, 9), {
    a: { b: 1 },
    list: [1, 9],
  });
  assert.deepEqual(writePath(parseReferencePath("$"), input, "all"), "all");
  assert.deepEqual(input, { a: { b: 1 }, list: [1, 2] }, "the input is not modified");
  assert.throws(() => writePath(parseReferencePath("$.a.b.c"), input, 1), TypeError);
  assert.throws(() => writePath(parseReferencePath("$.list[5]"), input, 1), TypeError);
});

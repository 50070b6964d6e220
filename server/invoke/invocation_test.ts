import assert from "node:assert/strict";
import { NotFoundError } from "../errors.ts";
import { functionsOfRequest, newRequestId } from "./invocation.ts";

Deno.test("an id of this node names its function", () => {
  assert.deepEqual(functionsOfRequest(newRequestId("my-fn")), ["my-fn"]);
});

Deno.test("a Go node's id (name, 5 characters of its key, nanoseconds) names its function", () => {
  assert.deepEqual(functionsOfRequest("hello-3f9ab123456789"), ["hello"]);
  // As Serverledge's key layout makes them: the key ends with its registration's UnixNano.
  assert.deepEqual(functionsOfRequest("hello-81234123456789"), ["hello"]);
  assert.deepEqual(functionsOfRequest("hello-3f9ab7"), ["hello"], "nanoseconds are not padded");
});

Deno.test("a Go id that reads more than one way names every function it may belong to", () => {
  // "my-fn" + "-" + "x1234" + "567", or "my" + "-" + "fn-x1" + "234567", and so on.
  const names = functionsOfRequest("my-fn-x1234567");
  assert.ok(names.includes("my-fn") && names.includes("my"), String(names));
  assert.ok(names.every((name) => "my-fn-x1234567".startsWith(`${name}-`)));
});

Deno.test("an id of no request's form is a 404, before any lookup", () => {
  for (
    const id of ["", "hello", "hello-", "../x-abcde1", "hello-abc/e1", `${"x".repeat(70)}-abcde1`]
  ) {
    assert.throws(() => functionsOfRequest(id), NotFoundError, id);
  }
});

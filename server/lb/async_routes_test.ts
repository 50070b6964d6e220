import assert from "node:assert/strict";
import { AsyncRoutes } from "./async_routes.ts";

Deno.test("an async request id leads to the node that issued it until it expires", () => {
  const routes = new AsyncRoutes(10);
  routes.remember("r1", "http://a", 0);
  assert.equal(routes.nodeOf("r1", 9_999), "http://a");
  assert.equal(routes.nodeOf("r2", 0), undefined);
  assert.equal(routes.nodeOf("r1", 10_000), undefined);
  assert.equal(routes.size, 0);
});

Deno.test("beyond the bound the oldest ids are forgotten first", () => {
  const routes = new AsyncRoutes(60, 2);
  routes.remember("r1", "http://a", 0);
  routes.remember("r2", "http://b", 1);
  routes.remember("r3", "http://c", 2);
  assert.equal(routes.size, 2);
  assert.equal(routes.nodeOf("r1", 3), undefined);
  assert.equal(routes.nodeOf("r2", 3), "http://b");
  assert.equal(routes.nodeOf("r3", 3), "http://c");
});

import assert from "node:assert/strict";
import { type EvictionCandidate, evictionOrder } from "./eviction.ts";

const c = (functionName: string, lastUsed: number, active = 0): EvictionCandidate => ({
  functionName,
  active,
  lastUsed,
  retired: false,
});

Deno.test("a function at its floor evicts only what is above the others' floors", () => {
  const a1 = c("a", 1), a2 = c("a", 5), b1 = c("b", 2), burst = c("burst", 0);
  const order = evictionOrder([a1, a2, b1, burst], "burst", 1, 1);
  assert.deepEqual(order, [a1], "a keeps its most recent container, b its only one");
});

Deno.test("a busy container counts toward its function's floor", () => {
  const busy = c("a", 9, 1), idle = c("a", 8);
  assert.deepEqual(evictionOrder([busy, idle], "f", 1, 3), [idle]);
  assert.deepEqual(evictionOrder([busy, idle], "f", 2, 3), []);
});

Deno.test("a function below its floor may take the others' floor containers, LRU first", () => {
  const a = c("a", 3), b = c("b", 1), b2 = c("b", 7);
  assert.deepEqual(evictionOrder([a, b, b2], "new", 1, 0), [b, a, b2]);
});

Deno.test("a floor of 0 makes every idle container of other functions evictable, LRU first", () => {
  const a = c("a", 3), b = c("b", 1), own = c("f", 0);
  assert.deepEqual(evictionOrder([a, b, own], "f", 0, 5), [b, a]);
});

import assert from "node:assert/strict";
import { backoffDelay } from "./backoff.ts";

Deno.test("backoffDelay() doubles from the first delay up to the maximum", () => {
  const options = { firstMs: 100, maxMs: 1_000 };
  const delays = [0, 1, 2, 3, 4, 5, 50].map((retry) => backoffDelay(retry, options));
  assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000, 1_000]);
});

Deno.test("backoffDelay() has no maximum unless given one", () => {
  assert.deepEqual([0, 1, 4].map((retry) => backoffDelay(retry, { firstMs: 400 })), [
    400,
    800,
    6_400,
  ]);
});

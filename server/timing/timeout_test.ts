import assert from "node:assert/strict";
import { sleep } from "./sleep.ts";
import { TimeoutError, withTimeout } from "./timeout.ts";

Deno.test("withTimeout() settles as the promise does when it is in time", async () => {
  assert.equal(await withTimeout(Promise.resolve(42), 1_000), 42);
  await assert.rejects(withTimeout(Promise.reject(new RangeError("no")), 1_000), RangeError);
});

Deno.test("withTimeout() rejects with TimeoutError when the promise is late", async () => {
  const late = sleep(200);
  const started = Date.now();
  await assert.rejects(withTimeout(late, 20), (error) => {
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.message, "no answer within 20 ms");
    return true;
  });
  assert.ok(Date.now() - started < 150, `took ${Date.now() - started} ms`);
  await late;
});

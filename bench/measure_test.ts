import assert from "node:assert/strict";
import { closedLoop, failureText, median, percentile } from "./measure.ts";

Deno.test("percentile: nearest rank over the sorted values; NaN for none", () => {
  const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal(median(values), 6);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile(values, 99), 10);
  assert.equal(percentile(values, 100), 10);
  assert.ok(Number.isNaN(percentile([], 50)));
});

Deno.test("closedLoop: makes exactly the calls asked, from every worker, and sorts out failures", async () => {
  const workers = new Set<number>();
  let calls = 0;
  const result = await closedLoop(3, { calls: 12 }, async (worker) => {
    workers.add(worker);
    const n = calls++;
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (n % 4 === 1) return 429;
    if (n % 4 === 2) throw new Error("connection lost");
    return n % 4 === 3 ? undefined : 200;
  });
  assert.equal(calls, 12);
  assert.deepEqual([...workers].sort(), [0, 1, 2]);
  assert.equal(result.latencies.length, 6);
  assert.deepEqual([...result.failures].sort(), [[0, 3], [429, 3]]);
  assert.equal(failureText(result.failures), "3 × 0, 3 × 429");
  assert.ok(result.okPerSecond > 0);
});

Deno.test("closedLoop: a loop of seconds stops calling once they are over", async () => {
  let calls = 0;
  await closedLoop(2, { seconds: 0.05 }, async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
  const callsAtEnd = calls;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(callsAtEnd > 0);
  assert.equal(calls, callsAtEnd);
});

Deno.test("failureText: 0 when nothing failed", () => {
  assert.equal(failureText(new Map()), "0");
});

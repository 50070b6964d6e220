import assert from "node:assert/strict";
import {
  closedLoop,
  failureText,
  interleavedLoops,
  median,
  percentile,
  sumLoops,
} from "./measure.ts";

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

Deno.test("interleavedLoops: every side runs in each round, in turns, and sums its turns", async () => {
  const order: string[] = [];
  const turn = (side: string, status: number) => async () => {
    if (order.at(-1) !== side) order.push(side);
    await new Promise((resolve) => setTimeout(resolve, 2));
    return status;
  };
  const { a, b } = await interleavedLoops(2, { seconds: 0.06, rounds: 3 }, {
    a: turn("a", 200),
    b: turn("b", 503),
  });
  assert.deepEqual(order, ["a", "b", "a", "b", "a", "b"]);
  assert.ok(a.latencies.length > 0);
  assert.equal(a.failures.size, 0);
  assert.equal(b.latencies.length, 0);
  assert.ok((b.failures.get(503) ?? 0) > 0);
  assert.ok(a.seconds >= 0.06 && a.seconds < 0.5, `${a.seconds}`);
});

Deno.test("sumLoops: rates, CPU and stolen share over the parts' total time", () => {
  const part = (ok: number, seconds: number, cpuShare: number, stolen: number) => ({
    latencies: Array(ok).fill(1),
    okPerSecond: ok / seconds,
    failures: new Map([[429, 1]]),
    cpuMicrosPerCall: 0,
    cpuShare,
    seconds,
    stolen,
  });
  const sum = sumLoops([part(30, 1, 0.5, 0.1), part(10, 3, 0.1, 0.3)]);
  assert.equal(sum.seconds, 4);
  assert.equal(sum.latencies.length, 40);
  assert.equal(sum.okPerSecond, 10);
  assert.deepEqual([...sum.failures], [[429, 2]]);
  assert.ok(Math.abs(sum.cpuShare - 0.2) < 1e-9, `${sum.cpuShare}`);
  assert.ok(Math.abs(sum.cpuMicrosPerCall - 0.8e6 / 42) < 1e-6);
  assert.ok(Math.abs(sum.stolen - 0.25) < 1e-9, `${sum.stolen}`);
});

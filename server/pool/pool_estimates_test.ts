import assert from "node:assert/strict";
import { PoolEstimates } from "./pool_estimates.ts";

Deno.test("service time is the measured hold time, at least what the oldest run lasted", () => {
  const e = new PoolEstimates();
  assert.equal(e.serviceTime("f"), 0, "nothing known");
  assert.equal(e.serviceTime("f", 0.3), 0.3, "a run going on for 300 ms takes at least that");
  e.recordHold("f", 0.01, 1000);
  e.recordHold("f", 0.02, 1001);
  assert.ok(Math.abs(e.serviceTime("f") - 0.015) < 1e-9, "the first two averaged alike");
  assert.equal(e.serviceTime("f", 2), 2);
  e.forget("f");
  assert.equal(e.serviceTime("f"), 0);
});

Deno.test("hold and work times average the last second of frequent calls", () => {
  const e = new PoolEstimates();
  let now = 0;
  e.recordWork("f", 0.004, now); // a first call, slower than the rest
  for (let i = 0; i < 3000; i++) e.recordWork("f", 0.0003, now += 0.3);
  assert.ok(Math.abs(e.workTime("f")! - 0.0003) < 0.00001, "the first call no longer weighs");
  for (let i = 0; i < 5; i++) e.recordWork("f", 0.003, now += 0.3); // five calls paused 3 ms
  assert.ok(e.workTime("f")! < 0.00031, `five slow calls of 3000 a second: ${e.workTime("f")}`);
  e.recordWork("f", 0.1, now += 60_000);
  assert.ok(e.workTime("f")! > 0.099, "after a quiet minute, the new call is what is known");
});

Deno.test("cold starts are assumed until measured, per image and kind", () => {
  const e = new PoolEstimates();
  assert.ok(e.coldStart("py", true) < e.coldStart("py", false));
  e.recordColdStart("py", true, 0.02);
  assert.equal(e.coldStart("py", true), 0.02);
  assert.equal(e.coldStart("node", true), new PoolEstimates().coldStart("node", true));
});

Deno.test("the arrival rate is the count of the last full second", () => {
  const e = new PoolEstimates();
  for (let t = 0; t < 1000; t += 10) e.recordArrival("f", t);
  assert.equal(e.arrivalRate("f", 999), 0, "the first window is not over");
  assert.equal(e.arrivalRate("f", 1000), 100);
  assert.equal(e.arrivalRate("f", 1500), 100);
  assert.equal(e.arrivalRate("f", 3500), 0, "a silent window brings the rate to zero");
});

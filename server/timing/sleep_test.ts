import assert from "node:assert/strict";
import { sleep, untilAborted } from "./sleep.ts";

Deno.test("sleep() resolves after the given time", async () => {
  const started = Date.now();
  await sleep(30);
  assert.ok(Date.now() - started >= 25, `took ${Date.now() - started} ms`);
});

Deno.test("sleep() resolves as soon as its signal aborts, and at once if it has", async () => {
  const stop = new AbortController();
  const started = Date.now();
  const slept = sleep(10_000, stop.signal);
  setTimeout(() => stop.abort(), 10);
  await slept;
  assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
  await sleep(10_000, stop.signal);
  assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
});

Deno.test("untilAborted() resolves when the signal aborts, at once if it has", async () => {
  const stop = new AbortController();
  let resolved = false;
  const waiting = untilAborted(stop.signal).then(() => resolved = true);
  await sleep(10);
  assert.equal(resolved, false);
  stop.abort();
  await waiting;
  assert.equal(resolved, true);
  await untilAborted(stop.signal);
});

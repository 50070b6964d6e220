// Unit test of the watch's logic on a fake backend; the real pause of a Docker container is in
// server/invoke/invoker_test.ts and server/pool/pool_test.ts.
import assert from "node:assert/strict";
import { sleep } from "../timing/sleep.ts";
import type { ContainerBackend } from "./backend.ts";
import { FreezeWatch } from "./freeze_watch.ts";

/** A backend whose one container is paused when `paused.value` is. */
function fakeBackend(paused: { value: boolean }, asked: string[]): ContainerBackend {
  return {
    inspect: (id: string) => {
      asked.push(id);
      return Promise.resolve({ paused: paused.value });
    },
  } as unknown as ContainerBackend;
}

Deno.test("FreezeWatch aborts at its deadline, as timed out and not frozen", async () => {
  const asked: string[] = [];
  const watch = new FreezeWatch(fakeBackend({ value: false }, asked), "c1", { timeoutMs: 20 });
  await new Promise((resolve) => watch.signal.addEventListener("abort", resolve));
  assert.equal((watch.signal.reason as DOMException).name, "TimeoutError");
  assert.equal(watch.frozen, false);
  assert.deepEqual(asked, [], "no freeze check before the first one is due");
  watch.stop();
});

Deno.test("FreezeWatch aborts as frozen once the backend says the container is paused", async () => {
  const paused = { value: false };
  const asked: string[] = [];
  const watch = new FreezeWatch(fakeBackend(paused, asked), "c2", { timeoutMs: 60_000 });
  await sleep(600);
  assert.deepEqual(asked, ["c2"], "asked once after 0.5 s");
  assert.equal(watch.signal.aborted, false);
  paused.value = true;
  await new Promise((resolve) => watch.signal.addEventListener("abort", resolve));
  assert.equal(watch.frozen, true);
  assert.deepEqual(asked, ["c2", "c2"], "asked again 1 s after the first check");
  watch.stop();
});

Deno.test("a FreezeWatch stopped early never asks and never aborts", async () => {
  const asked: string[] = [];
  const watch = new FreezeWatch(fakeBackend({ value: true }, asked), "c3", { timeoutMs: 100 });
  watch.stop();
  await sleep(150);
  assert.equal(watch.signal.aborted, false);
  assert.deepEqual(asked, []);
});

Deno.test("a FreezeWatch started after a promise counts its deadline from then", async () => {
  const asked: string[] = [];
  let start!: () => void;
  const startsAfter = new Promise<void>((resolve) => start = resolve);
  const watch = new FreezeWatch(fakeBackend({ value: false }, asked), "c4", {
    timeoutMs: 30,
    startsAfter,
  });
  await sleep(80);
  assert.equal(watch.signal.aborted, false, "no deadline before the promise settled");
  start();
  await new Promise((resolve) => watch.signal.addEventListener("abort", resolve));
  assert.equal((watch.signal.reason as DOMException).name, "TimeoutError");
  watch.stop();
});

Deno.test("a FreezeWatch stopped before its start never starts", async () => {
  const asked: string[] = [];
  let start!: () => void;
  const startsAfter = new Promise<void>((resolve) => start = resolve);
  const watch = new FreezeWatch(fakeBackend({ value: true }, asked), "c5", {
    timeoutMs: 10,
    startsAfter,
  });
  watch.stop();
  start();
  await sleep(60);
  assert.equal(watch.signal.aborted, false);
  assert.deepEqual(asked, []);
});

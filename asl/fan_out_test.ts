import assert from "node:assert/strict";
import { Cancelled, fanOut } from "./fan_out.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("results come in index order, whatever the order of completion", async () => {
  const results = await fanOut(4, 0, new AbortController().signal, async (i) => {
    for (let n = 0; n < 4 - i; n++) await tick();
    return i * i;
  });
  assert.deepEqual(results, [0, 1, 4, 9]);
});

Deno.test("at most `limit` run at once", async () => {
  let running = 0;
  let most = 0;
  await fanOut(10, 2, new AbortController().signal, async () => {
    most = Math.max(most, ++running);
    await tick();
    running--;
  });
  assert.equal(most, 2);
});

Deno.test("a failure aborts the others and the lowest-index failure wins", async () => {
  const aborted: number[] = [];
  const failing = fanOut(3, 0, new AbortController().signal, async (i, signal) => {
    if (i === 0) {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      aborted.push(i);
      throw new Cancelled();
    }
    await tick();
    if (i === 2) await tick();
    throw new Error(`failure ${i}`);
  });
  await assert.rejects(failing, /failure 1/);
  assert.deepEqual(aborted, [0]);
});

Deno.test("an aborted signal ends with Cancelled", async () => {
  const controller = new AbortController();
  const running = fanOut(
    2,
    0,
    controller.signal,
    (_, signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Cancelled()))),
  );
  controller.abort();
  await assert.rejects(running, Cancelled);
});

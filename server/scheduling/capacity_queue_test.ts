import assert from "node:assert/strict";
import { OverloadedError } from "../errors.ts";
import { CapacityQueue } from "./capacity_queue.ts";

Deno.test("waiters wake on notify, give up on abort, and a full queue refuses", async () => {
  const queue = new CapacityQueue(2);
  assert.equal(queue.enabled, true);
  const first = queue.wait(new AbortController().signal);
  const timeout = new AbortController();
  const second = queue.wait(timeout.signal);
  assert.equal(queue.length, 2);
  await assert.rejects(queue.wait(new AbortController().signal), OverloadedError);
  timeout.abort();
  assert.equal(await second, false);
  queue.notify();
  assert.equal(await first, true);
  assert.equal(queue.length, 0);
  assert.equal(new CapacityQueue(0).enabled, false);
});

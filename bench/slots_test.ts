import assert from "node:assert/strict";
import { Slots } from "./slots.ts";

Deno.test("a slot given back goes to the longest waiting caller", async () => {
  const slots = new Slots(["a"]);
  const first = await slots.take();
  const order: string[] = [];
  const waiting = [
    slots.take().then(() => order.push("second")),
    slots.take().then(() => order.push("third")),
  ];
  slots.give(first);
  await waiting[0];
  assert.deepEqual(order, ["second"]);
  slots.give("a");
  await waiting[1];
  assert.deepEqual(order, ["second", "third"]);
});

Deno.test("a free slot is taken at once", async () => {
  const slots = new Slots([1, 2]);
  assert.deepEqual(new Set([await slots.take(), await slots.take()]), new Set([1, 2]));
});

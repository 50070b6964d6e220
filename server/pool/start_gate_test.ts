import assert from "node:assert/strict";
import { StartGate } from "./start_gate.ts";

/** A start that finishes when the test says so. */
function controlled() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { finish, start: () => done };
}

Deno.test("the gate runs at most its limit of starts, demand before refills", async () => {
  const gate = new StartGate(2);
  const started: string[] = [];
  const starts = new Map<string, ReturnType<typeof controlled>>();
  const run = (name: string, priority: "demand" | "refill") => {
    const c = controlled();
    starts.set(name, c);
    return gate.run(priority, () => {
      started.push(name);
      return c.start();
    });
  };
  const all = [run("r1", "refill"), run("r2", "refill"), run("r3", "refill"), run("d1", "demand")];
  await Promise.resolve();
  assert.deepEqual(started, ["r1", "r2"]);
  assert.equal(gate.pending, 4);
  starts.get("r1")!.finish();
  await all[0];
  await Promise.resolve();
  assert.deepEqual(started, ["r1", "r2", "d1"], "the waiting request's start goes first");
  starts.get("d1")!.finish();
  starts.get("r2")!.finish();
  await Promise.all([all[1], all[3]]);
  await Promise.resolve();
  assert.deepEqual(started, ["r1", "r2", "d1", "r3"]);
  starts.get("r3")!.finish();
  await Promise.all(all);
  assert.equal(gate.pending, 0);
});

Deno.test("a failed start frees its place", async () => {
  const gate = new StartGate(1);
  await assert.rejects(gate.run("demand", () => Promise.reject(new Error("no image"))), /no image/);
  assert.equal(await gate.run("demand", () => Promise.resolve(7)), 7);
  assert.equal(gate.pending, 0);
});

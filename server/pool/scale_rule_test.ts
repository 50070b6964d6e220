import assert from "node:assert/strict";
import { cpuBound, expectedWait, type QueueFigures, wantsAnotherContainer } from "./scale_rule.ts";

const quiet: QueueFigures = {
  waiting: 0,
  readySlots: 0,
  startingSlots: 0,
  slotsPerContainer: 1,
  serviceTime: 0,
  workTime: 0,
  coldStart: 0.5,
  arrivalRate: 0,
  mayWait: true,
  idleCpus: Infinity,
  cpusPerContainer: 0,
};

Deno.test("a waiting request with nothing running or starting gets a container", () => {
  assert.equal(wantsAnotherContainer(quiet), false, "nobody waits: nothing starts");
  assert.equal(wantsAnotherContainer({ ...quiet, waiting: 1 }), true);
  assert.equal(wantsAnotherContainer({ ...quiet, waiting: 1, startingSlots: 1 }), false);
});

Deno.test("a short function's burst drains on one container instead of starting more", () => {
  const burst = { ...quiet, waiting: 32, readySlots: 1, workTime: 0.001, coldStart: 0.05 };
  assert.equal(wantsAnotherContainer(burst), false, "32 ms of backlog < 50 ms cold start");
  assert.equal(wantsAnotherContainer({ ...burst, workTime: 0.01 }), true, "320 ms > 50 ms");
  const second = { ...burst, workTime: 0.01, startingSlots: 1 };
  assert.equal(wantsAnotherContainer(second), true, "160 ms on two slots is still > 50 ms");
  assert.equal(wantsAnotherContainer({ ...second, startingSlots: 9 }), false);
});

Deno.test("a busy node that holds the slots longer than its handlers run starts no container", () => {
  // 60 waiting; the node takes 5 ms per call, the handler 0.2 ms of it.
  const saturated = { ...quiet, waiting: 60, readySlots: 1, coldStart: 0.03 };
  const nodeBound = { ...saturated, serviceTime: 0.005, workTime: 0.0002, arrivalRate: 200 };
  assert.equal(wantsAnotherContainer(nodeBound), false, "12 ms of handler work < 30 ms");
  assert.equal(
    wantsAnotherContainer({ ...nodeBound, workTime: 0.005 }),
    true,
    "the same figures for a 5 ms handler: 300 ms of work",
  );
});

Deno.test("arrivals faster than the slots serve count the backlog they will pile up", () => {
  // Two slots of 10 ms serve 200 requests a second; 10 waiting drain in 50 ms < 100 ms.
  const steady = { ...quiet, waiting: 10, readySlots: 2, workTime: 0.01, coldStart: 0.1 };
  assert.equal(wantsAnotherContainer({ ...steady, arrivalRate: 150 }), false, "under capacity");
  assert.equal(wantsAnotherContainer({ ...steady, arrivalRate: 200 }), false, "saturated");
  assert.equal(
    wantsAnotherContainer({ ...steady, arrivalRate: 400 }),
    true,
    "twice the capacity: 20 more pile up during a cold start, 150 ms of backlog",
  );
});

Deno.test("a backlog starts no container when the host lacks the CPU to run it", () => {
  // 100 waiting on one slot of 10 ms: 1 s of backlog, far beyond a 50 ms start.
  const backlog = { ...quiet, waiting: 100, readySlots: 1, workTime: 0.01, coldStart: 0.05 };
  const busyContainer = { ...backlog, cpusPerContainer: 0.9 };
  assert.equal(wantsAnotherContainer({ ...busyContainer, idleCpus: 0.1 }), false, "0.1 < 0.45");
  assert.equal(cpuBound({ ...busyContainer, idleCpus: 0.1 }), true);
  assert.equal(wantsAnotherContainer({ ...busyContainer, idleCpus: 0.5 }), true, "0.5 ≥ 0.45");
  assert.equal(
    wantsAnotherContainer({ ...backlog, cpusPerContainer: 0.02, idleCpus: 0 }),
    true,
    "a handler that waits (I/O, sleep) needs no idle CPU to be served by another container",
  );
  assert.equal(wantsAnotherContainer({ ...backlog, idleCpus: 0 }), true, "unknown use: starts");
  assert.equal(
    wantsAnotherContainer({ ...busyContainer, readySlots: 0, idleCpus: 0 }),
    true,
    "the first container always starts",
  );
  assert.equal(
    wantsAnotherContainer({ ...busyContainer, mayWait: false, idleCpus: 0 }),
    true,
    "with no waiting allowed, each request still gets a container",
  );
});

Deno.test("no more slots start than requests wait for", () => {
  const q = { ...quiet, waiting: 3, startingSlots: 4, slotsPerContainer: 4, workTime: 9 };
  assert.equal(wantsAnotherContainer(q), false);
});

Deno.test("without waiting, each waiting request beyond the starting slots gets a container", () => {
  const q = { ...quiet, mayWait: false, readySlots: 3, workTime: 0.001 };
  assert.equal(wantsAnotherContainer({ ...q, waiting: 2, startingSlots: 1 }), true);
  assert.equal(wantsAnotherContainer({ ...q, waiting: 2, startingSlots: 2 }), false);
});

Deno.test("the expected wait is the sooner of a busy slot and a new container", () => {
  assert.equal(expectedWait(quiet, 1), 0.5, "nothing runs: one cold start");
  const busy = { ...quiet, readySlots: 2, serviceTime: 0.1 };
  assert.equal(expectedWait(busy, 1), 0.05);
  assert.equal(expectedWait(busy, 20), 1, "20 requests on two slots of 100 ms");
  const starting = { ...busy, startingSlots: 2 };
  assert.ok(Math.abs(expectedWait(starting, 20) - (0.5 + 18 * 0.1 / 4)) < 1e-9);
  assert.ok(expectedWait(starting, 20) < expectedWait(busy, 20));
});

import assert from "node:assert/strict";
import type { CpuClock } from "../containers/cpu_time.ts";
import { CpuWatch, MAX_SPAN_MS, SAMPLE_MS } from "./cpu_watch.ts";
import type { PooledContainer } from "./pool_function.ts";

function container(id: string): PooledContainer {
  return {
    id,
    executor: {
      url: `unix:/${id}`,
      waitUntilReady: () => Promise.resolve(),
      init: () => Promise.resolve(),
      invoke: () => Promise.reject(new Error("not used")),
    },
    functionName: "f",
    version: "v1",
    memoryMB: 128,
    readyAt: 0,
    served: 0,
    active: 0,
    lastUsed: 0,
    retired: false,
  };
}

Deno.test("the host's idle CPUs are the idle share of its ticks over the last span", () => {
  let now = 0;
  const host = { idle: 0, total: 0, cpus: 4 };
  const watch = new CpuWatch({
    host: () => ({ ...host }),
    clockOf: () => Promise.resolve(undefined),
    now: () => now,
  });
  assert.equal(watch.idleCpus(), Infinity, "one reading is no span");
  now += SAMPLE_MS;
  host.total += 100;
  host.idle += 25;
  assert.equal(watch.idleCpus(), 1, "a quarter of 4 CPUs");
  host.idle += 100;
  host.total += 100;
  now += SAMPLE_MS - 1;
  assert.equal(watch.idleCpus(), 1, "too soon for another reading");
  now += MAX_SPAN_MS + 1;
  assert.equal(watch.idleCpus(), Infinity, "after a long gap a reading only starts a span");
  now += SAMPLE_MS;
  host.total += 100;
  assert.equal(watch.idleCpus(), 0);
});

Deno.test("without /proc/stat the host counts as idle", () => {
  const watch = new CpuWatch({
    host: () => undefined,
    clockOf: () => Promise.resolve(undefined),
    now: () => performance.now(),
  });
  assert.equal(watch.idleCpus(), Infinity);
});

Deno.test("a function's containers: CPUs per measured one, and those not measured yet", async () => {
  let now = 0;
  const seconds = new Map<string, number>([["a", 0], ["b", 0]]);
  const clockOf = (id: string) =>
    Promise.resolve<CpuClock | undefined>(id === "none" ? undefined : () => seconds.get(id));
  const watch = new CpuWatch({ host: () => undefined, clockOf, now: () => now });
  const [a, b, none] = [container("a"), container("b"), container("none")];
  const usage = (containers: PooledContainer[]) => {
    const { perContainer, unmeasured } = watch.usage(containers);
    return { perContainer: Math.round(perContainer * 1000) / 1000, unmeasured };
  };
  assert.deepEqual(usage([a, none]), { perContainer: 0, unmeasured: 2 }, "looked up");
  await Promise.resolve();
  assert.deepEqual(usage([a, none]), { perContainer: 0, unmeasured: 1 }, "a read once");
  now += 500;
  seconds.set("a", 0.4);
  assert.deepEqual(usage([a, b, none]), { perContainer: 0.8, unmeasured: 1 }, "b is new");
  await Promise.resolve();
  now += 500;
  seconds.set("a", 0.8).set("b", 0.2);
  assert.deepEqual(usage([a, b]), { perContainer: 0.8, unmeasured: 1 }, "b read once");
  now += 500;
  seconds.set("a", 1.2).set("b", 0.4);
  assert.deepEqual(usage([a, b]), { perContainer: 0.6, unmeasured: 0 }, "(0.8 + 0.4) / 2");
  seconds.delete("b");
  now += 500;
  assert.deepEqual(usage([b]), { perContainer: 0, unmeasured: 1 }, "b is gone");
});

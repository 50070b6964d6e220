import assert from "node:assert/strict";
import type { CpuReading } from "../containers/cpu_time.ts";
import { CpuWatch, MAX_SPAN_MS, SAMPLE_MS } from "./cpu_watch.ts";
import type { PooledContainer } from "./pool_function.ts";

function pooled(id: string): PooledContainer {
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
    container: () => Promise.resolve(undefined),
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
    container: () => Promise.resolve(undefined),
    now: () => performance.now(),
  });
  assert.equal(watch.idleCpus(), Infinity);
});

Deno.test("a function's containers: CPUs per measured one, and those not measured yet", async () => {
  let now = 0;
  const seconds = new Map<string, number>([["a", 0], ["b", 0]]);
  let asked = 0;
  const container = (id: string) => {
    asked++;
    const used = seconds.get(id);
    return Promise.resolve<CpuReading | undefined>(
      used === undefined ? undefined : { seconds: used, at: now },
    );
  };
  const watch = new CpuWatch({ host: () => undefined, container, now: () => now });
  const [a, b, none] = [pooled("a"), pooled("b"), pooled("none")];
  const usage = (containers: PooledContainer[]) => {
    const { perContainer, unmeasured } = watch.usage(containers);
    return { perContainer: Math.round(perContainer * 1000) / 1000, unmeasured };
  };
  const answered = () => new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(usage([a, none]), { perContainer: 0, unmeasured: 2 }, "asked about both");
  await answered();
  assert.deepEqual(usage([a, none]), { perContainer: 0, unmeasured: 1 }, "none is not measured");
  assert.equal(asked, 2, "not asked again so soon");
  now += 500;
  seconds.set("a", 0.4);
  usage([a, b]);
  await answered();
  assert.deepEqual(usage([a, b]), { perContainer: 0.8, unmeasured: 1 }, "b was read once");
  now += 500;
  seconds.set("a", 0.8).set("b", 0.2);
  usage([a, b]);
  await answered();
  assert.deepEqual(usage([a, b]), { perContainer: 0.6, unmeasured: 0 }, "(0.8 + 0.4) / 2");
  now += MAX_SPAN_MS + 1;
  usage([a]);
  await answered();
  assert.deepEqual(usage([a]), { perContainer: 0, unmeasured: 1 }, "a quiet gap starts anew");
});

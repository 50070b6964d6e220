import assert from "node:assert/strict";
import type { LoadReport } from "../../protocol/status.ts";
import {
  chooseForInvoke,
  COLD_START_MS,
  expectedMs,
  RoundRobin,
  typicalRunMs,
  UNMEASURED_MS,
} from "./choice.ts";
import { Target } from "./targets.ts";

function report(warm: Record<string, number>, memory = 1024): LoadReport {
  return {
    Id: "n",
    Url: "",
    Area: "ROME",
    Cloud: true,
    AvailableMemMB: memory,
    AvailableCPUs: 2,
    AvailableWarmContainers: warm,
    LoadAvg: [0, 0, 0],
  };
}

/** A target whose answers to `fn` took `ms`. */
function measured(url: string, fn: string, ms: number): Target {
  const target = new Target(url, "static");
  target.begin(fn);
  target.end(fn, ms);
  return target;
}

Deno.test("a target with an idle warm container of the function beats a cold one", () => {
  const cold = measured("http://a", "f", 1);
  const warm = measured("http://b", "f", 1);
  warm.loaded(report({ f: 1 }), 0);
  assert.equal(expectedMs(warm, "f"), 1);
  assert.equal(expectedMs(cold, "f"), 1 + COLD_START_MS);
  for (let i = 0; i < 5; i++) {
    assert.equal(chooseForInvoke([cold, warm], "f", new RoundRobin()), warm);
  }
});

Deno.test("requests sent since the last poll use up the idle containers it reported", () => {
  const target = measured("http://a", "f", 10);
  target.loaded(report({ f: 1 }), 0);
  assert.equal(expectedMs(target, "f"), 10);
  target.begin("f");
  // Its one container is taken: the next waits one turn.
  assert.equal(expectedMs(target, "f"), 20);
  target.begin("f");
  assert.equal(expectedMs(target, "f"), 30);
});

Deno.test("a slow function spreads to a cold target once the queue ahead costs more than a cold start", () => {
  const busy = measured("http://a", "slow", 200);
  busy.loaded(report({ slow: 1 }), 0);
  const idle = new Target("http://b", "static");
  const turns = new RoundRobin();
  const sent: Target[] = [];
  for (let i = 0; i < 4; i++) {
    const chosen = chooseForInvoke([busy, idle], "slow", turns)!;
    chosen.begin("slow");
    sent.push(chosen);
  }
  // The fourth would wait behind b's cold start and first request: a's queue is shorter.
  assert.deepEqual(sent.map((t) => t.url), ["http://a", "http://a", "http://b", "http://a"]);
});

Deno.test("a target whose pool is full counts a cold start as far away", () => {
  const full = new Target("http://a", "static");
  full.loaded(report({}, 0), 2);
  const roomy = new Target("http://b", "static");
  roomy.loaded(report({}, 512), 2);
  assert.ok(expectedMs(full, "f") > expectedMs(roomy, "f") + 1000);
  assert.equal(expectedMs(roomy, "f"), 2 + COLD_START_MS);
  assert.equal(chooseForInvoke([full, roomy], "f", new RoundRobin()), roomy);
});

Deno.test("equal targets take turns", () => {
  const a = new Target("http://a", "static");
  const b = new Target("http://b", "static");
  const turns = new RoundRobin();
  assert.equal(expectedMs(a, "f"), UNMEASURED_MS + COLD_START_MS, "not polled yet");
  const chosen = Array.from({ length: 4 }, () => chooseForInvoke([a, b], "f", turns)!.url);
  assert.deepEqual(chosen, ["http://a", "http://b", "http://a", "http://b"]);
  assert.equal(chooseForInvoke([], "f", turns), undefined);
  assert.equal(chooseForInvoke([a], "f", turns), a);
});

Deno.test("a burst on targets that have nothing warm spreads: the first requests wait for a cold start", () => {
  const a = new Target("http://a", "static");
  const b = new Target("http://b", "static");
  const turns = new RoundRobin();
  const sent = Array.from({ length: 4 }, () => {
    const chosen = chooseForInvoke([a, b], "f", turns)!;
    chosen.begin("f");
    return chosen.url;
  });
  assert.deepEqual([...sent].sort(), ["http://a", "http://a", "http://b", "http://b"]);
});

Deno.test("a far target loses against a near one with equal load, until answers of its own say otherwise", () => {
  const near = new Target("http://near", "static");
  const far = new Target("http://far", "static");
  near.loaded(report({ f: 1 }), 1);
  far.loaded(report({ f: 1 }), 40);
  const turns = new RoundRobin();
  assert.equal(expectedMs(near, "f"), 1);
  assert.equal(expectedMs(far, "f"), 40);
  for (let i = 0; i < 4; i++) assert.equal(chooseForInvoke([near, far], "f", turns), near);

  // The near one runs f slowly: f's run, 59 ms, plus the far one's network is still more.
  near.begin("f");
  near.end("f", 60);
  assert.equal(typicalRunMs([near, far], "f"), 59);
  assert.equal(expectedMs(far, "f", 59), 99);
  for (let i = 0; i < 4; i++) assert.equal(chooseForInvoke([near, far], "f", turns), near);

  // The far one answered f faster: its own measurement wins over its distance.
  far.begin("f");
  far.end("f", 45);
  for (let i = 0; i < 4; i++) assert.equal(chooseForInvoke([near, far], "f", turns), far);
});

Deno.test("a measured latency counts at least the round trip of the latest polls", () => {
  const target = measured("http://a", "f", 10);
  target.loaded(report({ f: 1 }), 50);
  assert.equal(expectedMs(target, "f"), 50, "the network slowed down since f was measured");
  assert.equal(typicalRunMs([target], "f"), 0);
  assert.equal(typicalRunMs([target], "g"), undefined);
});

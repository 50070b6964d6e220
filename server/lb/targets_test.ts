import assert from "node:assert/strict";
import { Target, TargetSet } from "./targets.ts";

Deno.test("a target counts requests in flight per function and smooths its latency", () => {
  const target = new Target("http://a", "static");
  target.begin("f");
  target.begin("g");
  assert.equal(target.inFlight(), 2);
  assert.equal(target.inFlight("f"), 1);
  target.end("f", 10);
  target.end("g");
  assert.equal(target.inFlight(), 0);
  assert.equal(target.latencyMs("f"), 10);
  assert.equal(target.latencyMs("h"), undefined);
  assert.equal(target.invokeLatencyMs, 10, "of any function");
  target.begin("f");
  target.end("f", 20);
  assert.equal(target.latencyMs("f"), 12);
  assert.deepEqual(
    [target.status().Requests, target.status().Failures, target.status().InFlight],
    [3, 1, 0],
  );
});

Deno.test("a target smooths the round trip of its load polls", () => {
  const target = new Target("http://a", "static");
  assert.equal(target.pollRttMs, undefined);
  assert.equal(target.status().PollRttMs, undefined);
  const load = {
    Id: "a",
    Url: "http://a",
    Area: "ROME",
    Cloud: true,
    AvailableMemMB: 1024,
    AvailableCPUs: 2,
    AvailableWarmContainers: {},
    LoadAvg: [0, 0, 0],
  };
  target.loaded(load, 10);
  assert.equal(target.pollRttMs, 10);
  target.loaded(load, 60);
  assert.equal(target.pollRttMs, 20);
  assert.equal(target.status().PollRttMs, 20);
  assert.equal(target.id, "a", "the report names it");
});

Deno.test("a failed target is out until a poll answers, and polled again once its retry time comes", () => {
  const target = new Target("http://a", "static");
  target.fail("connection refused", 5_000);
  assert.equal(target.up, false);
  assert.equal(target.due(4_999), false);
  assert.equal(target.due(5_000), true);
  assert.equal(target.status().LastError, "connection refused");
  target.recover();
  assert.equal(target.up, true);
  assert.equal(target.status().LastError, undefined);
});

Deno.test("registered targets come and go; static ones stay", () => {
  const set = new TargetSet();
  set.add("http://s", "static");
  assert.ok(set.add("http://a", "etcd", "a"));
  assert.equal(set.add("http://a", "etcd", "a2"), undefined, "known URL: only its id changes");
  assert.equal(set.get("http://a")?.id, "a2");
  set.add("http://b", "etcd", "b");
  set.removeRegistered("a2");
  assert.deepEqual(set.all().map((t) => t.url), ["http://b", "http://s"]);
  set.keepRegistered(new Set());
  assert.deepEqual(set.all().map((t) => t.url), ["http://s"]);
});

import assert from "node:assert/strict";
import { handles, parseCatchers, parseRetriers, retryDelayMs } from "./retry.ts";

Deno.test("retriers take the language's defaults", () => {
  assert.deepEqual(parseRetriers([{ ErrorEquals: ["E"] }]), [
    {
      errorEquals: ["E"],
      intervalSeconds: 1,
      maxAttempts: 3,
      backoffRate: 2,
      maxDelaySeconds: undefined,
      jitter: "NONE",
    },
  ]);
  assert.deepEqual(parseCatchers([{ ErrorEquals: ["E"], Next: "N", ResultPath: null }]), [
    { errorEquals: ["E"], next: "N", resultPath: null },
  ]);
});

Deno.test("error matching: names, States.ALL, States.TaskFailed; never States.Runtime", () => {
  assert.equal(handles(["A", "B"], "B"), true);
  assert.equal(handles(["A"], "B"), false);
  assert.equal(handles(["States.ALL"], "Anything"), true);
  assert.equal(handles(["States.ALL"], "States.Timeout"), true);
  assert.equal(handles(["States.ALL"], "States.Runtime"), false);
  assert.equal(handles(["States.TaskFailed"], "MyError"), true);
  assert.equal(handles(["States.TaskFailed"], "States.Timeout"), false);
  assert.equal(handles(["States.Timeout"], "States.Timeout"), true);
});

Deno.test("delays grow by the backoff rate, are capped, and jitter the same way every time", () => {
  const [retrier] = parseRetriers([{
    ErrorEquals: ["E"],
    IntervalSeconds: 1,
    BackoffRate: 2.5,
    MaxDelaySeconds: 5,
  }]);
  assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs(retrier, n, "S")), [
    1000,
    2500,
    5000,
    5000,
  ]);
  const [jittered] = parseRetriers([{
    ErrorEquals: ["E"],
    IntervalSeconds: 10,
    JitterStrategy: "FULL",
  }]);
  const a = retryDelayMs(jittered, 1, "S@2");
  assert.ok(a >= 0 && a < 10000);
  assert.equal(retryDelayMs(jittered, 1, "S@2"), a, "the same step gets the same delay");
  const spread = new Set(
    ["A@2", "B@2", "C@2", "D@2"].map((step) => retryDelayMs(jittered, 1, step)),
  );
  assert.ok(spread.size > 1, "different steps get different delays");
});

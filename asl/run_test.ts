import assert from "node:assert/strict";
import { AslTaskError } from "./errors.ts";
import type { RunHooks, StepEvent, TaskCall } from "./hooks.ts";
import type { Json } from "./json.ts";
import { parseStateMachine } from "./parse.ts";
import { MAX_STATE_VISITS, runStateMachine } from "./run.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");

/** Hooks over a fake clock: every wait advances the clock to its deadline at once. */
class FakeSystem implements RunHooks {
  clock = T0;
  calls: TaskCall[] = [];
  waits: { step: string; ms: number }[] = [];
  events: StepEvent[] = [];
  running = 0;
  maxRunning = 0;

  constructor(readonly handler: (call: TaskCall) => Json | Promise<Json> = (call) => call.input) {}

  now = () => this.clock;
  onStep = (event: StepEvent) => void this.events.push(event);

  async runTask(call: TaskCall): Promise<unknown> {
    this.calls.push(call);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await Promise.resolve();
      return await this.handler(call);
    } finally {
      this.running--;
    }
  }

  wait(step: string, until: number, signal: AbortSignal): Promise<void> {
    this.waits.push({ step, ms: until - this.clock });
    if (step.endsWith("!timeout")) {
      return new Promise((resolve) =>
        signal.addEventListener("abort", () => resolve(), { once: true })
      );
    }
    this.clock = Math.max(this.clock, until);
    return Promise.resolve();
  }

  steps(): string[] {
    return this.calls.map((c) => c.step);
  }
}

const run = (definition: unknown, input: Json, system = new FakeSystem()) =>
  runStateMachine(parseStateMachine(definition), input, system);
const task = (extra: Record<string, unknown> = {}) => ({
  Type: "Task",
  Resource: "f",
  End: true,
  ...extra,
});
const failing = (error: string, times = Infinity) => {
  let left = times;
  return (call: TaskCall) => {
    if (left-- > 0) throw new AslTaskError(error, `${call.step} failed`);
    return { ok: call.step };
  };
};

Deno.test("a sequence: InputPath, Parameters, ResultSelector, ResultPath and OutputPath in order", async () => {
  const system = new FakeSystem((call) => ({
    doubled: (call.input as { n: number }).n * 2,
    extra: 1,
  }));
  const outcome = await run(
    {
      StartAt: "Double",
      States: {
        Double: {
          Type: "Task",
          Resource: "double",
          InputPath: "$.args",
          Parameters: { "n.$": "$.value", "state.$": "$$.State.Name" },
          ResultSelector: { "result.$": "$.doubled" },
          ResultPath: "$.args.out",
          OutputPath: "$.args",
          Next: "Again",
        },
        Again: {
          Type: "Task",
          Resource: "double",
          Parameters: { "n.$": "$.out.result" },
          ResultPath: "$.again",
          End: true,
        },
      },
    },
    { args: { value: 4 }, other: true },
    system,
  );
  assert.deepEqual(outcome, {
    status: "succeeded",
    output: { value: 4, out: { result: 8 }, again: { doubled: 16, extra: 1 } },
  });
  assert.deepEqual(system.calls.map((c) => [c.step, c.resource, c.input]), [
    ["Double", "double", { n: 4, state: "Double" }],
    ["Again", "double", { n: 8 }],
  ]);
  assert.deepEqual(system.events.map((e) => `${e.phase} ${e.step} ${e.type}`), [
    "entered Double Task",
    "exited Double Task",
    "entered Again Task",
    "exited Again Task",
  ]);
});

Deno.test("Pass with Result, ResultPath null and OutputPath null", async () => {
  assert.deepEqual(
    await run({
      StartAt: "P",
      States: { P: { Type: "Pass", Result: { a: 1 }, ResultPath: "$.r", End: true } },
    }, { x: 1 }),
    { status: "succeeded", output: { x: 1, r: { a: 1 } } },
  );
  assert.deepEqual(
    await run({
      StartAt: "P",
      States: { P: { Type: "Pass", Result: 1, ResultPath: null, End: true } },
    }, { x: 1 }),
    { status: "succeeded", output: { x: 1 } },
  );
  assert.deepEqual(
    await run({ StartAt: "P", States: { P: { Type: "Pass", OutputPath: null, End: true } } }, {
      x: 1,
    }),
    { status: "succeeded", output: {} },
  );
});

Deno.test("Choice goes to the first matching rule, else Default, else fails", async () => {
  const definition = (fallback: boolean) => ({
    StartAt: "C",
    States: {
      C: {
        Type: "Choice",
        Choices: [
          { Variable: "$.n", NumericLessThan: 0, Next: "Negative" },
          {
            And: [{ Variable: "$.n", NumericGreaterThan: 0 }, {
              Variable: "$.n",
              NumericLessThan: 10,
            }],
            Next: "Small",
          },
        ],
        ...(fallback ? { Default: "Other" } : {}),
      },
      Negative: { Type: "Pass", Result: "negative", End: true },
      Small: { Type: "Pass", Result: "small", End: true },
      ...(fallback ? { Other: { Type: "Pass", Result: "other", End: true } } : {}),
    },
  });
  assert.deepEqual(await run(definition(true), { n: -1 }), {
    status: "succeeded",
    output: "negative",
  });
  assert.deepEqual(await run(definition(true), { n: 5 }), { status: "succeeded", output: "small" });
  assert.deepEqual(await run(definition(true), { n: 50 }), {
    status: "succeeded",
    output: "other",
  });
  const failed = await run(definition(false), { n: 50 });
  assert.equal(failed.status === "failed" && failed.error, "States.NoChoiceMatched");
  const missing = await run(definition(true), {});
  assert.equal(missing.status === "failed" && missing.error, "States.Runtime");
});

Deno.test("Succeed ends with its output; Fail ends with its error and cause, fixed or from paths", async () => {
  assert.deepEqual(
    await run({ StartAt: "S", States: { S: { Type: "Succeed", InputPath: "$.a" } } }, { a: [1] }),
    { status: "succeeded", output: [1] },
  );
  assert.deepEqual(
    await run(
      { StartAt: "F", States: { F: { Type: "Fail", Error: "Bad", Cause: "because" } } },
      {},
    ),
    { status: "failed", error: "Bad", cause: "because" },
  );
  assert.deepEqual(
    await run({
      StartAt: "F",
      States: {
        F: { Type: "Fail", ErrorPath: "$.e", CausePath: "States.Format('code {}', $.code)" },
      },
    }, { e: "Mine", code: 7 }),
    { status: "failed", error: "Mine", cause: "code 7" },
  );
});

Deno.test("a loop revisits states with step ids Name#2, Name#3", async () => {
  const system = new FakeSystem((call) => ({ n: (call.input as { n: number }).n + 1 }));
  const outcome = await run(
    {
      StartAt: "Inc",
      States: {
        Inc: { Type: "Task", Resource: "inc", Next: "Check" },
        Check: {
          Type: "Choice",
          Choices: [{ Variable: "$.n", NumericLessThan: 3, Next: "Inc" }],
          Default: "Done",
        },
        Done: { Type: "Succeed" },
      },
    },
    { n: 0 },
    system,
  );
  assert.deepEqual(outcome, { status: "succeeded", output: { n: 3 } });
  assert.deepEqual(system.steps(), ["Inc", "Inc#2", "Inc#3"]);
  assert.ok(system.events.some((e) => e.step === "Check#3"));
});

Deno.test("a loop without end fails instead of hanging", async () => {
  const outcome = await run({ StartAt: "A", States: { A: { Type: "Pass", Next: "A" } } }, {});
  assert.equal(outcome.status, "failed");
  assert.match(outcome.status === "failed" ? outcome.cause : "", new RegExp(`${MAX_STATE_VISITS}`));
});

Deno.test("Retry: attempts Name@2…, backoff with rate and cap, through the wait hook", async () => {
  const system = new FakeSystem(failing("Flaky", 3));
  const outcome = await run(
    one(task({
      Retry: [{
        ErrorEquals: ["Flaky"],
        IntervalSeconds: 2,
        BackoffRate: 3,
        MaxAttempts: 3,
        MaxDelaySeconds: 10,
      }],
    })),
    {},
    system,
  );
  assert.deepEqual(outcome, { status: "succeeded", output: { ok: "S@4" } });
  assert.deepEqual(system.steps(), ["S", "S@2", "S@3", "S@4"]);
  assert.deepEqual(system.waits, [
    { step: "S@2!delay", ms: 2000 },
    { step: "S@3!delay", ms: 6000 },
    { step: "S@4!delay", ms: 10000 },
  ]);
  assert.equal(system.clock, T0 + 18000);
});

Deno.test("Retry gives up after MaxAttempts; each retrier counts its own attempts", async () => {
  const system = new FakeSystem(failing("Flaky"));
  const outcome = await run(
    one(task({ Retry: [{ ErrorEquals: ["Other"] }, { ErrorEquals: ["Flaky"], MaxAttempts: 2 }] })),
    {},
    system,
  );
  assert.deepEqual(outcome, { status: "failed", error: "Flaky", cause: "S@3 failed" });
  assert.deepEqual(system.steps(), ["S", "S@2", "S@3"]);
  const none = new FakeSystem(failing("Flaky"));
  await run(one(task({ Retry: [{ ErrorEquals: ["Flaky"], MaxAttempts: 0 }] })), {}, none);
  assert.deepEqual(none.steps(), ["S"]);
});

Deno.test("States.TaskFailed matches a task's failure of any kind", async () => {
  const plain = new FakeSystem(() => {
    throw new Error("crash");
  });
  const outcome = await run(
    one(task({ Retry: [{ ErrorEquals: ["States.TaskFailed"], MaxAttempts: 1 }] })),
    {},
    plain,
  );
  assert.deepEqual(outcome, { status: "failed", error: "States.TaskFailed", cause: "crash" });
  assert.deepEqual(plain.steps(), ["S", "S@2"]);
});

Deno.test("Catch puts {Error, Cause} at its ResultPath and goes to its Next", async () => {
  const system = new FakeSystem(failing("Boom"));
  const outcome = await run(
    {
      StartAt: "S",
      States: {
        S: task({
          End: undefined,
          Next: "Fine",
          Retry: [{ ErrorEquals: ["Boom"], MaxAttempts: 1, IntervalSeconds: 1 }],
          Catch: [
            { ErrorEquals: ["Other"], Next: "Fine" },
            { ErrorEquals: ["States.ALL"], Next: "Handled", ResultPath: "$.error" },
          ],
        }),
        Fine: { Type: "Succeed" },
        Handled: { Type: "Pass", End: true },
      },
    },
    { keep: 1 },
    system,
  );
  assert.deepEqual(outcome, {
    status: "succeeded",
    output: { keep: 1, error: { Error: "Boom", Cause: "S@2 failed" } },
  });
});

Deno.test("a States.Runtime error is neither retried nor caught", async () => {
  const system = new FakeSystem();
  const outcome = await run(
    {
      StartAt: "S",
      States: {
        S: task({
          End: undefined,
          Next: "Done",
          Parameters: { "x.$": "States.ArrayLength($.x)" },
          InputPath: "$.missing",
          Retry: [{ ErrorEquals: ["States.ALL"] }],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Done" }],
        }),
        Done: { Type: "Succeed" },
      },
    },
    {},
    system,
  );
  assert.equal(outcome.status === "failed" && outcome.error, "States.Runtime");
  assert.deepEqual(system.calls, []);
});

Deno.test("Task TimeoutSeconds: the attempt is aborted and fails with States.Timeout", async () => {
  let aborted = false;
  const system = new FakeSystem((call) =>
    new Promise((_, reject) =>
      call.signal.addEventListener("abort", () => {
        aborted = true;
        reject(new Error("aborted"));
      })
    )
  );
  system.wait = (step, until) => {
    system.waits.push({ step, ms: until - system.clock });
    return Promise.resolve();
  };
  const outcome = await run(
    one(task({ TimeoutSeconds: 3, Retry: [{ ErrorEquals: ["States.TaskFailed"] }] })),
    {},
    system,
  );
  assert.equal(outcome.status === "failed" && outcome.error, "States.Timeout");
  assert.deepEqual(
    system.waits,
    [{ step: "S!timeout", ms: 3000 }],
    "TaskFailed does not retry a timeout",
  );
  assert.equal(system.calls[0].timeoutSeconds, 3);
  assert.ok(aborted);
});

Deno.test("a task that answers in time is not timed out, and its timer is released", async () => {
  let released = false;
  const system = new FakeSystem();
  system.wait = (_step, _until, signal) =>
    new Promise((resolve) =>
      signal.addEventListener("abort", () => resolve(void (released = true)))
    );
  assert.deepEqual(await run(one(task({ TimeoutSeconds: 3 })), { a: 1 }, system), {
    status: "succeeded",
    output: { a: 1 },
  });
  assert.ok(released);
});

Deno.test("the machine's TimeoutSeconds fails the run with States.Timeout", async () => {
  const system = new FakeSystem(() => new Promise(() => {}));
  system.wait = (step) => step === "!timeout" ? Promise.resolve() : new Promise(() => {});
  const outcome = await run({ TimeoutSeconds: 5, ...one(task()) }, {}, system);
  assert.equal(outcome.status === "failed" && outcome.error, "States.Timeout");
  assert.ok(system.calls[0].signal.aborted);
});

Deno.test("Wait: Seconds, SecondsPath, Timestamp, TimestampPath through the wait hook", async () => {
  const system = new FakeSystem();
  const outcome = await run(
    {
      StartAt: "A",
      States: {
        A: { Type: "Wait", Seconds: 5, Next: "B" },
        B: { Type: "Wait", SecondsPath: "$.s", Next: "C" },
        C: { Type: "Wait", Timestamp: "2026-01-01T00:01:00Z", Next: "D" },
        D: { Type: "Wait", TimestampPath: "$.t", OutputPath: "$.s", End: true },
      },
    },
    { s: 10, t: "2026-01-01T00:02:00Z" },
    system,
  );
  assert.deepEqual(outcome, { status: "succeeded", output: 10 });
  assert.deepEqual(system.waits, [
    { step: "A", ms: 5000 },
    { step: "B", ms: 10000 },
    { step: "C", ms: 45000 },
    { step: "D", ms: 60000 },
  ]);
  const bad = await run({
    StartAt: "W",
    States: { W: { Type: "Wait", SecondsPath: "$.s", End: true } },
  }, { s: "x" });
  assert.equal(bad.status === "failed" && bad.error, "States.Runtime");
});

Deno.test("Parallel: branches run at once, outputs in branch order, step ids Par/<i>/Name", async () => {
  const release: (() => void)[] = [];
  const system = new FakeSystem((call) =>
    new Promise((resolve) => release.push(() => resolve({ from: call.step })))
  );
  const branch = (name: string) => ({
    StartAt: name,
    States: { [name]: task({ Resource: name }) },
  });
  const done = run(
    {
      StartAt: "Par",
      States: {
        Par: {
          Type: "Parallel",
          Branches: [branch("A"), branch("B"), branch("C")],
          ResultPath: "$.out",
          End: true,
        },
      },
    },
    { in: 1 },
    system,
  );
  while (release.length < 3) await new Promise((r) => setTimeout(r, 0));
  assert.equal(system.maxRunning, 3);
  release.reverse().forEach((r) => r());
  assert.deepEqual(await done, {
    status: "succeeded",
    output: { in: 1, out: [{ from: "Par/0/A" }, { from: "Par/1/B" }, { from: "Par/2/C" }] },
  });
});

Deno.test("Parallel: a failing branch aborts the others; the lowest failing branch's error is the state's", async () => {
  let abortedSibling = false;
  const system = new FakeSystem((call) => {
    if (call.step.endsWith("Slow")) {
      return new Promise((_, reject) =>
        call.signal.addEventListener(
          "abort",
          () => {
            abortedSibling = true;
            reject(new Error("stopped"));
          },
        )
      );
    }
    throw new AslTaskError(call.step.startsWith("Par/1") ? "One" : "Two", "x");
  });
  const branch = (name: string) => ({ StartAt: name, States: { [name]: task() } });
  const outcome = await run(
    {
      StartAt: "Par",
      States: {
        Par: {
          Type: "Parallel",
          Branches: [branch("Slow"), branch("Fails"), branch("AlsoFails")],
          Catch: [{ ErrorEquals: ["One"], Next: "Caught", ResultPath: "$.e" }],
          End: true,
        },
        Caught: { Type: "Pass", End: true },
      },
    },
    {},
    system,
  );
  assert.deepEqual(outcome, { status: "succeeded", output: { e: { Error: "One", Cause: "x" } } });
  assert.ok(abortedSibling);
});

Deno.test("Map: items from ItemsPath, ItemSelector with $$.Map.Item, results in item order", async () => {
  const system = new FakeSystem(async (call) => {
    const { value } = call.input as { value: number };
    for (let i = 0; i < 10 - value; i++) await Promise.resolve(); // later items answer first
    return value * 10;
  });
  const outcome = await run(
    {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.items",
          ItemSelector: {
            "value.$": "$$.Map.Item.Value",
            "index.$": "$$.Map.Item.Index",
            "k.$": "$.k",
          },
          ItemProcessor: { StartAt: "Work", States: { Work: task() } },
          ResultPath: "$.results",
          End: true,
        },
      },
    },
    { k: "x", items: [1, 2, 3, 4, 5] },
    system,
  );
  assert.deepEqual(outcome, {
    status: "succeeded",
    output: { k: "x", items: [1, 2, 3, 4, 5], results: [10, 20, 30, 40, 50] },
  });
  assert.deepEqual(system.steps().sort(), [
    "M/0/Work",
    "M/1/Work",
    "M/2/Work",
    "M/3/Work",
    "M/4/Work",
  ]);
  assert.deepEqual(system.calls.find((c) => c.step === "M/3/Work")?.input, {
    value: 4,
    index: 3,
    k: "x",
  });
});

Deno.test("Map: MaxConcurrency bounds the tasks running at once", async () => {
  for (const [limit, expected] of [[3, 3], [1, 1], [0, 20]] as const) {
    const system = new FakeSystem(async (call) => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
      return call.input;
    });
    const items = Array.from({ length: 20 }, (_, i) => i);
    const outcome = await run(
      {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            MaxConcurrency: limit,
            Iterator: { StartAt: "W", States: { W: task() } },
            End: true,
          },
        },
      },
      items,
      system,
    );
    assert.deepEqual(outcome, { status: "succeeded", output: items });
    assert.equal(system.maxRunning, expected, `MaxConcurrency ${limit}`);
  }
});

Deno.test("Map: MaxConcurrencyPath, the older Parameters, and a missing item array", async () => {
  const system = new FakeSystem();
  const outcome = await run(
    {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.list",
          MaxConcurrencyPath: "$.limit",
          Parameters: { "v.$": "$$.Map.Item.Value" },
          Iterator: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    },
    { limit: 1, list: ["a", "b"] },
    system,
  );
  assert.deepEqual(outcome, { status: "succeeded", output: [{ v: "a" }, { v: "b" }] });
  const missing = await run({
    StartAt: "M",
    States: {
      M: {
        Type: "Map",
        ItemsPath: "$.none",
        Iterator: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
        End: true,
      },
    },
  }, {});
  assert.equal(missing.status === "failed" && missing.error, "States.Runtime");
});

Deno.test("Map: a failing item fails the state with its error; no new item starts", async () => {
  const system = new FakeSystem((call) => {
    if (call.step === "M/1/W") throw new AslTaskError("ItemBad", "item 1");
    return call.input;
  });
  const outcome = await run(
    {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          MaxConcurrency: 1,
          Iterator: { StartAt: "W", States: { W: task() } },
          End: true,
        },
      },
    },
    [0, 1, 2, 3],
    system,
  );
  assert.deepEqual(outcome, { status: "failed", error: "ItemBad", cause: "item 1" });
  assert.deepEqual(system.steps(), ["M/0/W", "M/1/W"]);
});

Deno.test("a retried Parallel runs its branches again under Par@2/…", async () => {
  const system = new FakeSystem(failing("Once", 1));
  const outcome = await run(
    {
      StartAt: "Par",
      States: {
        Par: {
          Type: "Parallel",
          Branches: [{ StartAt: "A", States: { A: task() } }],
          Retry: [{ ErrorEquals: ["Once"], IntervalSeconds: 1 }],
          End: true,
        },
      },
    },
    {},
    system,
  );
  assert.deepEqual(outcome, { status: "succeeded", output: [{ ok: "Par@2/0/A" }] });
  assert.deepEqual(system.steps(), ["Par/0/A", "Par@2/0/A"]);
});

Deno.test("the same task outcomes give the same steps and output (replay)", async () => {
  const definition = {
    StartAt: "Par",
    States: {
      Par: {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "M",
            States: {
              M: { Type: "Map", Iterator: { StartAt: "W", States: { W: task() } }, End: true },
            },
          },
          { StartAt: "X", States: { X: task({ Retry: [{ ErrorEquals: ["States.ALL"] }] }) } },
        ],
        End: true,
      },
    },
  };
  const journal = new Map<string, { ok: Json } | { error: string }>();
  let failed = false;
  const recording = new FakeSystem((call) => {
    if (call.step.startsWith("Par/1/X") && !failed) {
      failed = true;
      journal.set(call.step, { error: "Once" });
      throw new AslTaskError("Once", "first attempt");
    }
    journal.set(call.step, { ok: call.step });
    return call.step;
  });
  const a = await run(definition, [1, 2, 3], recording);
  const replay = new FakeSystem((call) => {
    assert.ok(journal.has(call.step), `${call.step} was journaled`);
    const outcome = journal.get(call.step)!;
    if ("error" in outcome) throw new AslTaskError(outcome.error, "first attempt");
    return outcome.ok;
  });
  const b = await run(definition, [1, 2, 3], replay);
  assert.deepEqual(a, {
    status: "succeeded",
    output: [["Par/0/M/0/W", "Par/0/M/1/W", "Par/0/M/2/W"], "Par/1/X@2"],
  });
  assert.deepEqual(b, a);
  assert.deepEqual(replay.steps().sort(), [...journal.keys()].sort());
});

Deno.test("an aborted run rejects with the signal's reason", async () => {
  const controller = new AbortController();
  const system = new FakeSystem((call) =>
    new Promise((_, reject) => {
      if (call.signal.aborted) reject(new Error("stopped"));
      call.signal.addEventListener("abort", () => reject(new Error("stopped")));
    })
  );
  const running = runStateMachine(parseStateMachine(one(task())), {}, system, controller.signal);
  while (system.calls.length === 0) await new Promise((r) => setTimeout(r, 0));
  controller.abort(new Error("node stopping"));
  await assert.rejects(running, /node stopping/);
});

function one(state: unknown) {
  return { StartAt: "S", States: { S: state } };
}

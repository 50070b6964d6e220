import assert from "node:assert/strict";
import { AslDefinitionError } from "./errors.ts";
import { parseStateMachine } from "./parse.ts";

const task = (extra: Record<string, unknown> = {}) => ({
  Type: "Task",
  Resource: "f",
  End: true,
  ...extra,
});
const refused = (definition: unknown, message: RegExp) =>
  assert.throws(() => parseStateMachine(definition), (e: AslDefinitionError) => {
    assert.ok(e instanceof AslDefinitionError);
    assert.match(e.message, message);
    return true;
  });
const one = (state: unknown) => ({ StartAt: "S", States: { S: state } });

Deno.test("a valid definition parses, from text or from the document", () => {
  const definition = {
    Comment: "all types",
    TimeoutSeconds: 60,
    StartAt: "T",
    States: {
      T: task({
        End: undefined,
        Next: "C",
        Retry: [{ ErrorEquals: ["States.ALL"] }],
        TimeoutSeconds: 5,
      }),
      C: {
        Type: "Choice",
        Choices: [{ Variable: "$.x", IsPresent: true, Next: "W" }],
        Default: "F",
      },
      W: { Type: "Wait", SecondsPath: "$.s", Next: "P" },
      P: {
        Type: "Parallel",
        Branches: [{ StartAt: "A", States: { A: { Type: "Pass", End: true } } }],
        Catch: [{ ErrorEquals: ["States.ALL"], Next: "F", ResultPath: "$.error" }],
        Next: "M",
      },
      M: {
        Type: "Map",
        ItemsPath: "$.items",
        MaxConcurrency: 2,
        ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "I", States: { I: task() } },
        Next: "Done",
      },
      Done: { Type: "Succeed" },
      F: { Type: "Fail", ErrorPath: "$.error.Error", Cause: "failed" },
    },
  };
  const machine = parseStateMachine(JSON.stringify(definition));
  assert.equal(machine.startAt, "T");
  assert.equal(machine.timeoutSeconds, 60);
  assert.deepEqual([...machine.states.keys()], ["T", "C", "W", "P", "M", "Done", "F"]);
  assert.equal(parseStateMachine(definition).states.size, 7);
});

Deno.test("the definition itself: JSON, StartAt, States, top-level fields", () => {
  refused("{", /not JSON/);
  refused([], /must be a JSON object/);
  refused({ States: { S: task() } }, /"StartAt" must be a state name/);
  refused({ StartAt: "X", States: { S: task() } }, /"StartAt" names no state \("X"\)/);
  refused({ StartAt: "S", States: {} }, /at least one state/);
  refused({ ...one(task()), TimeoutSeconds: 0 }, /"TimeoutSeconds" must be a positive integer/);
  refused({ ...one(task()), Extra: 1 }, /unknown field "Extra"/);
  refused({ ...one(task()), QueryLanguage: "JSONata" }, /only JSONPath/);
  assert.ok(parseStateMachine({ ...one(task()), QueryLanguage: "JSONPath" }));
});

Deno.test("state types, fields and transitions", () => {
  refused(one({ Type: "Lambda" }), /state "S": unknown state type "Lambda"/);
  refused(one(task({ Colour: "red" })), /state "S": unknown field "Colour" for a Task state/);
  refused(
    one({ Type: "Pass", Retry: [], End: true }),
    /state "S": a Pass state cannot have "Retry"/,
  );
  refused(one({ Type: "Succeed", Catch: [] }), /a Succeed state cannot have "Catch"/);
  refused(one({ Type: "Pass" }), /state "S": needs "Next" or "End": true/);
  refused(one({ Type: "Pass", End: false }), /"End" must be true/);
  refused(
    { StartAt: "S", States: { S: { Type: "Pass", Next: "T", End: true }, T: task() } },
    /both "Next" and "End"/,
  );
  refused(one({ Type: "Pass", Next: "Dubble" }), /state "S": "Next" names no state \("Dubble"\)/);
  refused(
    { StartAt: "S", States: { S: task(), Lost: task() } },
    /state "Lost": no state leads here/,
  );
  refused(one(task({ Resource: "" })), /"Resource" must be the name of a function/);
  refused(one(task({ TimeoutSeconds: -1 })), /"TimeoutSeconds" must be a positive integer/);
  refused(one(task({ TimeoutSecondsPath: "$.t" })), /TimeoutSecondsPath is not supported/);
  refused(one(task({ Comment: 3 })), /"Comment" must be a string/);
  for (const name of ["a/b", "a#2", "a@2", "a!", ""]) {
    refused(
      { StartAt: name, States: { [name]: task() } },
      /a state name must be non-empty, without/,
    );
  }
});

Deno.test("paths and templates", () => {
  refused(one(task({ InputPath: "$.a[*]" })), /state "S": "\$.a\[\*\]" is not a reference path/);
  refused(one(task({ OutputPath: 3 })), /"OutputPath" must be a path or null/);
  refused(one(task({ ResultPath: "result" })), /does not start with "\$"/);
  refused(one(task({ Parameters: { "x.$": "$.[" } })), /state "S": "Parameters.x.\$"/);
  refused(one(task({ ResultSelector: { "x.$": 1 } })), /"ResultSelector.x.\$" must be a string/);
  assert.ok(parseStateMachine(one(task({ InputPath: null, OutputPath: null, ResultPath: null }))));
});

Deno.test("Choice, Wait and Fail states", () => {
  refused(one({ Type: "Choice", Choices: [] }), /"Choices" must be a non-empty array/);
  refused(
    {
      StartAt: "S",
      States: { S: { Type: "Choice", Choices: [{ Variable: "$.a", Next: "T" }] }, T: task() },
    },
    /state "S": "Choices\[0\]" has no comparison operator/,
  );
  refused(
    {
      StartAt: "S",
      States: { S: { Type: "Choice", Choices: [{ Variable: "$.a", IsNull: true, Next: "T" }] } },
    },
    /"Choices\[0\].Next" names no state \("T"\)/,
  );
  refused(one({ Type: "Wait", End: true }), /needs one of "Seconds"/);
  refused(
    one({ Type: "Wait", Seconds: 1, SecondsPath: "$.s", End: true }),
    /several of "Seconds", "SecondsPath"/,
  );
  refused(one({ Type: "Wait", Seconds: -1, End: true }), /"Seconds" must be an integer ≥ 0/);
  refused(one({ Type: "Wait", Timestamp: "soon", End: true }), /"Timestamp" must be an RFC 3339/);
  refused(one({ Type: "Fail", Error: "E", ErrorPath: "$.e" }), /both "Error" and "ErrorPath"/);
  refused(one({ Type: "Fail", CausePath: "$.a[*]" }), /not a reference path/);
  assert.ok(parseStateMachine(one({ Type: "Fail", CausePath: "States.Format('x {}', $.a)" })));
});

Deno.test("Retry and Catch", () => {
  refused(one(task({ Retry: {} })), /"Retry" must be an array/);
  refused(one(task({ Retry: [{}] })), /"Retry\[0\].ErrorEquals" must be a non-empty array/);
  refused(
    one(task({ Retry: [{ ErrorEquals: ["E"], MaxAttempts: -1 }] })),
    /"Retry\[0\].MaxAttempts" must be an integer ≥ 0/,
  );
  refused(
    one(task({ Retry: [{ ErrorEquals: ["E"], BackoffRate: 0.5 }] })),
    /BackoffRate" must be a number ≥ 1/,
  );
  refused(one(task({ Retry: [{ ErrorEquals: ["E"], JitterStrategy: "SOME" }] })), /JitterStrategy/);
  refused(
    one(task({ Retry: [{ ErrorEquals: ["States.ALL", "E"] }] })),
    /"States.ALL" must be alone/,
  );
  refused(
    one(task({ Retry: [{ ErrorEquals: ["States.ALL"] }, { ErrorEquals: ["E"] }] })),
    /"States.ALL" must be in the last retrier/,
  );
  refused(
    one(task({ Retry: [{ ErrorEquals: ["E"], Tries: 3 }] })),
    /"Retry\[0\]": unknown field "Tries"/,
  );
  refused(one(task({ Catch: [{ ErrorEquals: ["E"] }] })), /"Catch\[0\].Next" must be a state name/);
  refused(
    one(task({ Catch: [{ ErrorEquals: ["E"], Next: "Nowhere" }] })),
    /"Catch\[0\].Next" names no state/,
  );
});

Deno.test("Parallel branches and Map processors are machines checked the same way", () => {
  refused(
    one({ Type: "Parallel", Branches: [], End: true }),
    /"Branches" must be a non-empty array/,
  );
  refused(
    one({
      Type: "Parallel",
      Branches: [{ StartAt: "A", States: { A: { Type: "Pass", Next: "B" } } }],
      End: true,
    }),
    /state "S\/0\/A": "Next" names no state \("B"\)/,
  );
  refused(
    one({
      Type: "Parallel",
      Branches: [{ StartAt: "A", States: { A: task() } }],
      Next: "A",
      End: undefined,
    }),
    /state "S": "Next" names no state \("A"\)/,
  );
  refused(one({ Type: "Map", End: true }), /needs an "ItemProcessor"/);
  refused(
    one({
      Type: "Map",
      ItemsPath: null,
      Iterator: { StartAt: "I", States: { I: task() } },
      End: true,
    }),
    /"ItemsPath" must be a path/,
  );
  const processor = { StartAt: "I", States: { I: task() } };
  refused(
    one({ Type: "Map", ItemProcessor: processor, Iterator: processor, End: true }),
    /both "ItemProcessor"/,
  );
  refused(
    one({ Type: "Map", ItemProcessor: processor, MaxConcurrency: -2, End: true }),
    /"MaxConcurrency" must be/,
  );
  refused(
    one({ Type: "Map", ItemProcessor: processor, ItemReader: {}, End: true }),
    /distributed Map/,
  );
  refused(
    one({
      Type: "Map",
      ItemProcessor: { ...processor, ProcessorConfig: { Mode: "DISTRIBUTED" } },
      End: true,
    }),
    /only INLINE/,
  );
  refused(
    one({
      Type: "Map",
      ItemProcessor: { StartAt: "I", States: { I: { Type: "Nope" } } },
      End: true,
    }),
    /state "S\/\*\/I"/,
  );
  assert.ok(
    parseStateMachine(
      one({
        Type: "Map",
        Iterator: processor,
        Parameters: { "v.$": "$$.Map.Item.Value" },
        End: true,
      }),
    ),
  );
});

Deno.test("every problem is reported, each with its state", () => {
  try {
    parseStateMachine({
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "X" }, B: { Type: "Wait", End: true } },
    });
    assert.fail("parsed");
  } catch (error) {
    assert.ok(error instanceof AslDefinitionError);
    assert.equal(error.problems.length, 2, error.message);
    assert.match(error.problems.join("\n"), /state "A": "Next" names no state/);
    assert.match(error.problems.join("\n"), /state "B": needs one of/);
  }
});

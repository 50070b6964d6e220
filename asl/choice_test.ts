import assert from "node:assert/strict";
import {
  describeChoiceRule,
  evaluateChoiceRule,
  isTimestamp,
  matches,
  parseChoiceRule,
} from "./choice.ts";
import { AslRuntimeError } from "./errors.ts";
import type { Json } from "./json.ts";

const input: Json = {
  s: "banana",
  n: 10,
  b: true,
  t: "2026-01-02T03:04:05Z",
  nul: null,
  other: { s: "cherry", n: 10, b: true, t: "2026-01-02T04:04:05+01:00" },
};

const holds = (rule: Record<string, Json>) =>
  evaluateChoiceRule(parseChoiceRule(rule, "r", false), input, {});

Deno.test("every comparison operator, with its literal and its Path variant", () => {
  const cases: [string, string, Json, boolean, string, boolean][] = [
    // operator, variable, literal, expected, path (for the Path variant), expected
    ["StringEquals", "$.s", "banana", true, "$.other.s", false],
    ["StringLessThan", "$.s", "cherry", true, "$.other.s", true],
    ["StringGreaterThan", "$.s", "apple", true, "$.other.s", false],
    ["StringLessThanEquals", "$.s", "banana", true, "$.other.s", true],
    ["StringGreaterThanEquals", "$.s", "banana", true, "$.other.s", false],
    ["NumericEquals", "$.n", 10, true, "$.other.n", true],
    ["NumericLessThan", "$.n", 10, false, "$.other.n", false],
    ["NumericGreaterThan", "$.n", 9.5, true, "$.other.n", false],
    ["NumericLessThanEquals", "$.n", 10, true, "$.other.n", true],
    ["NumericGreaterThanEquals", "$.n", 11, false, "$.other.n", true],
    ["BooleanEquals", "$.b", true, true, "$.other.b", true],
    ["TimestampEquals", "$.t", "2026-01-02T03:04:05Z", true, "$.other.t", true],
    ["TimestampLessThan", "$.t", "2026-01-02T03:04:06Z", true, "$.other.t", false],
    ["TimestampGreaterThan", "$.t", "2026-01-02T03:04:06Z", false, "$.other.t", false],
    ["TimestampLessThanEquals", "$.t", "2026-01-02T03:04:05.000Z", true, "$.other.t", true],
    ["TimestampGreaterThanEquals", "$.t", "2027-01-01T00:00:00Z", false, "$.other.t", true],
  ];
  for (const [operator, variable, literal, expected, path, byPath] of cases) {
    assert.equal(holds({ Variable: variable, [operator]: literal }), expected, operator);
    assert.equal(
      holds({ Variable: variable, [`${operator}Path`]: path }),
      byPath,
      `${operator}Path`,
    );
  }
});

Deno.test("values of another type compare false", () => {
  assert.equal(holds({ Variable: "$.n", StringEquals: "10" }), false);
  assert.equal(holds({ Variable: "$.s", NumericLessThan: 5 }), false);
  assert.equal(holds({ Variable: "$.s", TimestampEquals: "2026-01-02T03:04:05Z" }), false);
  assert.equal(holds({ Variable: "$.n", BooleanEquals: false }), false);
});

Deno.test("StringMatches: * matches any run, \\* and \\\\ are literal", () => {
  assert.equal(holds({ Variable: "$.s", StringMatches: "b*n*a" }), true);
  assert.equal(holds({ Variable: "$.s", StringMatches: "*x*" }), false);
  assert.equal(matches("log-*.txt", "log-\\*.txt"), true);
  assert.equal(matches("log-1.txt", "log-\\*.txt"), false);
  assert.equal(matches("a\\b", "a\\\\b"), true);
  assert.equal(matches("a.b(c)", "a.b(*)"), true);
});

Deno.test("type tests and IsPresent", () => {
  assert.equal(holds({ Variable: "$.nul", IsNull: true }), true);
  assert.equal(holds({ Variable: "$.s", IsNull: false }), true);
  assert.equal(holds({ Variable: "$.missing", IsPresent: false }), true);
  assert.equal(holds({ Variable: "$.s", IsPresent: true }), true);
  assert.equal(holds({ Variable: "$.n", IsNumeric: true }), true);
  assert.equal(holds({ Variable: "$.s", IsString: true }), true);
  assert.equal(holds({ Variable: "$.b", IsBoolean: true }), true);
  assert.equal(holds({ Variable: "$.t", IsTimestamp: true }), true);
  assert.equal(holds({ Variable: "$.s", IsTimestamp: true }), false);
  assert.equal(isTimestamp("2026-13-01T00:00:00Z"), false);
});

Deno.test("And, Or and Not combine rules", () => {
  const big = { Variable: "$.n", NumericGreaterThan: 5 };
  const fruit = { Variable: "$.s", StringEquals: "kiwi" };
  assert.equal(holds({ And: [big, { Not: fruit }] }), true);
  assert.equal(holds({ And: [big, fruit] }), false);
  assert.equal(holds({ Or: [fruit, big] }), true);
  assert.equal(holds({ Not: { Or: [fruit, big] } }), false);
});

Deno.test("a variable that matches nothing fails with States.Runtime", () => {
  assert.throws(
    () => holds({ Variable: "$.missing", StringEquals: "x" }),
    (e: AslRuntimeError) => e.error === "States.Runtime" && e.cause.includes("$.missing"),
  );
  assert.throws(() => holds({ Variable: "$.s", StringEqualsPath: "$.none" }), AslRuntimeError);
});

Deno.test("bad rules are refused with the field", () => {
  const refused: [unknown, boolean, RegExp][] = [
    [{ Variable: "$.a", StringEquals: "x" }, true, /needs a "Next"/],
    [{ Variable: "$.a", StringEquals: "x", Next: "A" }, false, /nested rule cannot have "Next"/],
    [{ Variable: "$.a", Next: "A" }, true, /no comparison operator/],
    [
      { Variable: "$.a", StringEquals: "x", NumericEquals: 1, Next: "A" },
      true,
      /several operators/,
    ],
    [{ Variable: "$.a", StringIs: "x", Next: "A" }, true, /unknown operator "StringIs"/],
    [{ StringEquals: "x", Next: "A" }, true, /needs a "Variable"/],
    [{ Variable: "a", StringEquals: "x", Next: "A" }, true, /"r.Variable"/],
    [
      { Variable: "$.a", NumericEquals: "1", Next: "A" },
      true,
      /"r.NumericEquals" must be a number/,
    ],
    [{ Variable: "$.a", TimestampEquals: "yesterday", Next: "A" }, true, /RFC 3339/],
    [{ Variable: "$.a", BooleanEquals: 1, Next: "A" }, true, /true or false/],
    [{ Variable: "$.a", IsNull: "yes", Next: "A" }, true, /must be true or false/],
    [{ Variable: "$.a", StringEqualsPath: "x", Next: "A" }, true, /"r.StringEqualsPath"/],
    [{ And: [], Next: "A" }, true, /non-empty array/],
    [
      { Variable: "$.a", And: [{ Variable: "$.a", IsNull: true }], Next: "A" },
      true,
      /cannot have a "Variable"/,
    ],
    [{ Not: { Variable: "$.a" }, Next: "A" }, true, /"r.Not" has no comparison/],
  ];
  for (const [rule, top, message] of refused) {
    assert.throws(() => parseChoiceRule(rule, "r", top), message);
  }
});

Deno.test("rules are described for the graph", () => {
  const rule = parseChoiceRule(
    {
      And: [{ Variable: "$.n", NumericGreaterThan: 3 }, {
        Not: { Variable: "$.s", StringEquals: "x" },
      }],
    },
    "r",
    false,
  );
  assert.equal(describeChoiceRule(rule), '$.n > 3 and not ($.s == "x")');
});

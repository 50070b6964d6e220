/**
 * Choice rules: parsing a rule of a Choice state's `Choices` (comparisons, `And`, `Or`, `Not`),
 * evaluating it against the state's effective input, and describing it for the graph.
 *
 * Comparisons: `String*`, `Numeric*`, `Timestamp*` with `Equals`, `LessThan`, `GreaterThan`,
 * `LessThanEquals`, `GreaterThanEquals`, each with its `*Path` variant (the value compared
 * with read from the input); `StringMatches` (`*` any characters, `\*` and `\\` literal);
 * `BooleanEquals` and `BooleanEqualsPath`; and the tests `IsNull`, `IsPresent`, `IsNumeric`,
 * `IsString`, `IsBoolean`, `IsTimestamp`. A comparison of values of other types is false; a
 * `Variable` (or a `*Path` value) that matches nothing fails with `States.Runtime`, except
 * under `IsPresent`.
 *
 * @module
 */
import { AslRuntimeError } from "./errors.ts";
import { isJsonObject, type Json } from "./json.ts";
import { type JsonPath, parseJsonPath, selectPath } from "./json_path.ts";

/** The type a comparison operator works on. */
type Kind = "String" | "Numeric" | "Boolean" | "Timestamp";
/** How it compares. */
type Relation = "Equals" | "LessThan" | "GreaterThan" | "LessThanEquals" | "GreaterThanEquals";
/** A test of a value's presence or type. */
type Test = "IsNull" | "IsPresent" | "IsNumeric" | "IsString" | "IsBoolean" | "IsTimestamp";

/** A parsed Choice rule. */
export type ChoiceRule =
  | { readonly kind: "and" | "or"; readonly rules: readonly ChoiceRule[] }
  | { readonly kind: "not"; readonly rule: ChoiceRule }
  | {
    readonly kind: "compare";
    readonly operator: string;
    readonly type: Kind;
    readonly relation: Relation | "Matches";
    readonly variable: JsonPath;
    /** The value compared with, or the path it is read from for a `*Path` operator. */
    readonly value: Json | JsonPath;
    readonly byPath: boolean;
  }
  | {
    readonly kind: "test";
    readonly operator: Test;
    readonly variable: JsonPath;
    readonly expected: boolean;
  };

/** A top-level rule of `Choices`, with the state it leads to. */
export interface ChoiceBranch {
  /** The rule. */
  readonly rule: ChoiceRule;
  /** The state to go to when the rule matches. */
  readonly next: string;
}

const KINDS: readonly Kind[] = ["String", "Numeric", "Boolean", "Timestamp"];
const RELATIONS: readonly Relation[] = [
  "Equals",
  "LessThan",
  "GreaterThan",
  "LessThanEquals",
  "GreaterThanEquals",
];
const TESTS: readonly Test[] = [
  "IsNull",
  "IsPresent",
  "IsNumeric",
  "IsString",
  "IsBoolean",
  "IsTimestamp",
];
const SYMBOLS: Record<Relation | "Matches", string> = {
  Equals: "==",
  LessThan: "<",
  GreaterThan: ">",
  LessThanEquals: "<=",
  GreaterThanEquals: ">=",
  Matches: "matches",
};

/** What a comparison operator compares: its type, its relation, and whether by path. */
export interface Comparison {
  /** The type of both sides. */
  readonly type: Kind;
  /** The relation tested. */
  readonly relation: Relation | "Matches";
  /** Whether the right side is read from a path (`…Path` operators). */
  readonly byPath: boolean;
}

/** Every comparison operator name (`StringEquals`, …, `BooleanEqualsPath`, `StringMatches`). */
export const COMPARISON_OPERATORS: ReadonlyMap<string, Comparison> = comparisonOperators();

function comparisonOperators(): Map<string, Comparison> {
  const operators = new Map<string, Comparison>();
  for (const type of KINDS) {
    for (const relation of type === "Boolean" ? ["Equals" as const] : RELATIONS) {
      operators.set(`${type}${relation}`, { type, relation, byPath: false });
      operators.set(`${type}${relation}Path`, { type, relation, byPath: true });
    }
  }
  operators.set("StringMatches", { type: "String", relation: "Matches", byPath: false });
  return operators;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Whether `value` is an RFC 3339 timestamp (`2016-03-14T01:59:00Z`). */
export function isTimestamp(value: unknown): value is string {
  return typeof value === "string" && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * Parses a rule; `where` names it in messages (`Choices[0]`). A top-level rule must have a
 * `Next` (which the caller reads); a nested one must not.
 */
export function parseChoiceRule(raw: unknown, where: string, top: boolean): ChoiceRule {
  if (!isJsonObject(raw)) throw new Error(`"${where}" must be an object`);
  const { Next: next, Comment: _comment, Variable: variable, ...rest } = raw;
  if (top && typeof next !== "string") throw new Error(`"${where}" needs a "Next" (a state name)`);
  if (!top && next !== undefined) {
    throw new Error(`"${where}.Next": a nested rule cannot have "Next"`);
  }
  const operators = Object.keys(rest);
  if (operators.length !== 1) {
    throw new Error(
      operators.length === 0
        ? `"${where}" has no comparison operator, "And", "Or" or "Not"`
        : `"${where}" has several operators (${
          operators.join(", ")
        }); combine them with "And"/"Or"`,
    );
  }
  const [operator] = operators;
  const operand = rest[operator];
  if (operator === "And" || operator === "Or") {
    if (variable !== undefined) {
      throw new Error(`"${where}": "${operator}" cannot have a "Variable"`);
    }
    if (!Array.isArray(operand) || operand.length === 0) {
      throw new Error(`"${where}.${operator}" must be a non-empty array of rules`);
    }
    const rules = operand.map((r, i) => parseChoiceRule(r, `${where}.${operator}[${i}]`, false));
    return { kind: operator === "And" ? "and" : "or", rules };
  }
  if (operator === "Not") {
    if (variable !== undefined) throw new Error(`"${where}": "Not" cannot have a "Variable"`);
    return { kind: "not", rule: parseChoiceRule(operand, `${where}.Not`, false) };
  }
  const comparison = COMPARISON_OPERATORS.get(operator);
  if (!comparison && !TESTS.includes(operator as Test)) {
    throw new Error(`"${where}": unknown operator "${operator}"`);
  }
  if (typeof variable !== "string") {
    throw new Error(`"${where}" needs a "Variable" (a path) for "${operator}"`);
  }
  const path = parsePath(variable, `${where}.Variable`);
  const field = `${where}.${operator}`;
  if (!comparison) {
    if (typeof operand !== "boolean") throw new Error(`"${field}" must be true or false`);
    return { kind: "test", operator: operator as Test, variable: path, expected: operand };
  }
  const { type, relation, byPath } = comparison;
  const compare = (value: Json | JsonPath): ChoiceRule => ({
    kind: "compare",
    operator,
    type,
    relation,
    variable: path,
    value,
    byPath,
  });
  if (byPath) {
    if (typeof operand !== "string") throw new Error(`"${field}" must be a path`);
    return compare(parsePath(operand, field));
  }
  const valid = type === "Numeric"
    ? typeof operand === "number"
    : type === "Boolean"
    ? typeof operand === "boolean"
    : type === "Timestamp"
    ? isTimestamp(operand)
    : typeof operand === "string";
  if (!valid) {
    const wanted = {
      String: "a string",
      Numeric: "a number",
      Boolean: "true or false",
      Timestamp: "an RFC 3339 timestamp",
    }[type];
    throw new Error(`"${field}" must be ${wanted}, not ${JSON.stringify(operand)}`);
  }
  return compare(operand as Json);
}

function parsePath(source: string, field: string): JsonPath {
  try {
    return parseJsonPath(source);
  } catch (error) {
    throw new Error(`"${field}": ${(error as Error).message}`);
  }
}

/** Whether `rule` matches the effective input; throws `States.Runtime` for a missing variable. */
export function evaluateChoiceRule(rule: ChoiceRule, input: Json, context: Json): boolean {
  switch (rule.kind) {
    case "and":
      return rule.rules.every((r) => evaluateChoiceRule(r, input, context));
    case "or":
      return rule.rules.some((r) => evaluateChoiceRule(r, input, context));
    case "not":
      return !evaluateChoiceRule(rule.rule, input, context);
    case "test": {
      const value = selectPath(rule.variable, input, context);
      if (rule.operator === "IsPresent") return (value !== undefined) === rule.expected;
      return test(rule.operator, read(rule.variable, value)) === rule.expected;
    }
    case "compare": {
      const value = read(rule.variable, selectPath(rule.variable, input, context));
      const other = rule.byPath
        ? read(rule.value as JsonPath, selectPath(rule.value as JsonPath, input, context))
        : rule.value as Json;
      return compare(rule.type, rule.relation, value, other);
    }
  }
}

function read(path: JsonPath, value: Json | undefined): Json {
  if (value === undefined) {
    throw new AslRuntimeError(`the Choice path "${path.source}" matches nothing in the input`);
  }
  return value;
}

function test(operator: Exclude<Test, "IsPresent">, value: Json): boolean {
  switch (operator) {
    case "IsNull":
      return value === null;
    case "IsNumeric":
      return typeof value === "number";
    case "IsString":
      return typeof value === "string";
    case "IsBoolean":
      return typeof value === "boolean";
    case "IsTimestamp":
      return isTimestamp(value);
  }
}

function compare(type: Kind, relation: Relation | "Matches", a: Json, b: Json): boolean {
  if (relation === "Matches") {
    return typeof a === "string" && typeof b === "string" && matches(a, b);
  }
  let x: number | string | boolean;
  let y: number | string | boolean;
  if (type === "Timestamp") {
    if (!isTimestamp(a) || !isTimestamp(b)) return false;
    [x, y] = [Date.parse(a), Date.parse(b)];
  } else {
    const jsType = { String: "string", Numeric: "number", Boolean: "boolean" }[type];
    if (typeof a !== jsType || typeof b !== jsType) return false;
    [x, y] = [a as number | string | boolean, b as number | string | boolean];
  }
  switch (relation) {
    case "Equals":
      return x === y;
    case "LessThan":
      return x < y;
    case "GreaterThan":
      return x > y;
    case "LessThanEquals":
      return x <= y;
    case "GreaterThanEquals":
      return x >= y;
  }
}

/** Whether `text` matches a `StringMatches` pattern (`*` any run, `\*` and `\\` literal). */
export function matches(text: string, pattern: string): boolean {
  let regex = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) regex += escapeRegex(pattern[++i]);
    else if (c === "*") regex += "[\\s\\S]*";
    else regex += escapeRegex(c);
  }
  return new RegExp(`^${regex}$`).test(text);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** A short text of a rule for the graph, e.g. `$.n > 3 and not ($.s == "x")`. */
export function describeChoiceRule(rule: ChoiceRule): string {
  switch (rule.kind) {
    case "and":
    case "or":
      return rule.rules.map((r) =>
        r.kind === "and" || r.kind === "or" ? `(${describeChoiceRule(r)})` : describeChoiceRule(r)
      )
        .join(` ${rule.kind} `);
    case "not":
      return `not (${describeChoiceRule(rule.rule)})`;
    case "test":
      return `${rule.expected ? "" : "not "}${rule.operator}(${rule.variable.source})`;
    case "compare": {
      const other = rule.byPath ? (rule.value as JsonPath).source : JSON.stringify(rule.value);
      return `${rule.variable.source} ${SYMBOLS[rule.relation]} ${other}`;
    }
  }
}

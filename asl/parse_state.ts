/**
 * Parsing and validation of one state of a definition: the fields its type allows and their
 * types, its transition, its paths, templates, Choice rules, Retry/Catch, Wait duration, Fail
 * error, and the machines of a Parallel's branches and a Map's processor (parsed through the
 * callback `parse.ts` gives, so they are checked as any machine is).
 *
 * @module
 */
import { type ChoiceBranch, isTimestamp, parseChoiceRule } from "./choice.ts";
import type { FailState, State, StateMachine, StateType, WaitFor } from "./definition.ts";
import { isJsonObject, type Json } from "./json.ts";
import { type JsonPath, parseJsonPath, parseReferencePath } from "./json_path.ts";
import { type Catcher, parseCatchers, parseRetriers, type Retrier } from "./retry.ts";
import { type DynamicValue, parseDynamicValue, parseTemplate, type Template } from "./templates.ts";

const COMMON = ["Type", "Comment"];
const FLOW = ["Next", "End"];
const IO = ["InputPath", "OutputPath"];
const PRODUCING = [
  ...COMMON,
  ...FLOW,
  ...IO,
  "Parameters",
  "ResultSelector",
  "ResultPath",
  "Retry",
  "Catch",
];

/** The fields each state type allows. */
const FIELDS: Record<StateType, ReadonlySet<string>> = {
  Task: new Set([...PRODUCING, "Resource", "TimeoutSeconds", "HeartbeatSeconds"]),
  Pass: new Set([...COMMON, ...FLOW, ...IO, "Parameters", "Result", "ResultPath"]),
  Choice: new Set([...COMMON, ...IO, "Choices", "Default"]),
  Wait: new Set([
    ...COMMON,
    ...FLOW,
    ...IO,
    "Seconds",
    "SecondsPath",
    "Timestamp",
    "TimestampPath",
  ]),
  Succeed: new Set([...COMMON, ...IO]),
  Fail: new Set([...COMMON, "Error", "ErrorPath", "Cause", "CausePath"]),
  Parallel: new Set([...PRODUCING, "Branches"]),
  Map: new Set([
    ...PRODUCING,
    "ItemProcessor",
    "Iterator",
    "ItemsPath",
    "ItemSelector",
    "MaxConcurrency",
    "MaxConcurrencyPath",
  ]),
};

/** Fields of AWS's language that this implementation knows but does not run. */
export const UNSUPPORTED: Record<string, string> = {
  ItemReader: "a distributed Map (ItemReader) is not supported",
  ItemBatcher: "a distributed Map (ItemBatcher) is not supported",
  ResultWriter: "a distributed Map (ResultWriter) is not supported",
  ToleratedFailurePercentage: "a distributed Map (tolerated failures) is not supported",
  ToleratedFailurePercentagePath: "a distributed Map (tolerated failures) is not supported",
  ToleratedFailureCount: "a distributed Map (tolerated failures) is not supported",
  ToleratedFailureCountPath: "a distributed Map (tolerated failures) is not supported",
  Label: "a distributed Map (Label) is not supported",
  TimeoutSecondsPath: "TimeoutSecondsPath is not supported; use TimeoutSeconds",
  HeartbeatSecondsPath: "HeartbeatSecondsPath is not supported",
  Credentials: "Credentials are not supported",
  QueryLanguage: "only JSONPath is supported (JSONata is not)",
  Arguments: "JSONata fields (Arguments) are not supported",
  Output: "JSONata fields (Output) are not supported",
  Assign: "variables (Assign) are not supported",
};

/** How a message names a state: its name, prefixed by its scope (`Par/0/Name`). */
export function label(name: string, scope: string): string {
  return `state "${scope === "" ? name : `${scope}/${name}`}"`;
}

/** Parses one state, recording its problems (each naming the state and field). */
export class StateParser {
  #raw: Record<string, unknown> = {};

  /** `parseBody` parses a branch or processor machine; problems go to `problems`. */
  constructor(
    readonly name: string,
    readonly scope: string,
    readonly problems: string[],
    readonly parseBody: (raw: unknown, scope: string) => StateMachine | undefined,
  ) {}

  #problem(message: string): undefined {
    this.problems.push(`${label(this.name, this.scope)}: ${message}`);
    return undefined;
  }

  /** Runs `parse`, turning a thrown message into a problem of this state. */
  #try<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      return this.#problem((error as Error).message);
    }
  }

  /** The state parsed from `raw`, or `undefined` when it has problems (recorded). */
  parse(raw: unknown): State | undefined {
    if (!isJsonObject(raw)) return this.#problem("must be an object");
    this.#raw = raw;
    const type = raw.Type;
    if (typeof type !== "string" || !Object.hasOwn(FIELDS, type)) {
      return this.#problem(
        `unknown state type ${
          JSON.stringify(type)
        } (Task, Pass, Choice, Wait, Succeed, Fail, Parallel or Map)`,
      );
    }
    const count = this.problems.length;
    const stateType = type as StateType;
    for (const key of Object.keys(raw)) {
      if (FIELDS[stateType].has(key)) continue;
      if (key === "Retry" || key === "Catch") {
        this.#problem(`a ${type} state cannot have "${key}" (only Task, Parallel and Map)`);
      } else if (UNSUPPORTED[key]) this.#problem(UNSUPPORTED[key]);
      else this.#problem(`unknown field "${key}" for a ${type} state`);
    }
    if (raw.Comment !== undefined && typeof raw.Comment !== "string") {
      this.#problem(`"Comment" must be a string`);
    }
    const state = this.#parseType(stateType);
    return this.problems.length === count ? state : undefined;
  }

  #parseType(type: StateType): State | undefined {
    const base = { name: this.name, comment: this.#raw.Comment as string | undefined };
    switch (type) {
      case "Task":
        return {
          ...base,
          type,
          ...this.#producing(),
          resource: this.#resource(),
          timeoutSeconds: this.#positiveInteger("TimeoutSeconds"),
        };
      case "Pass":
        return {
          ...base,
          type,
          ...this.#io(),
          next: this.#flow(),
          parameters: this.#template("Parameters"),
          result: this.#raw.Result as Json | undefined,
          resultPath: this.#referencePath("ResultPath"),
        };
      case "Choice":
        return { ...base, type, ...this.#io(), ...this.#choices() };
      case "Wait":
        return { ...base, type, ...this.#io(), next: this.#flow(), wait: this.#wait() };
      case "Succeed":
        return { ...base, type, ...this.#io() };
      case "Fail":
        return { ...base, type, error: this.#failField("Error"), cause: this.#failField("Cause") };
      case "Parallel":
        return { ...base, type, ...this.#producing(), branches: this.#branches() };
      case "Map":
        return { ...base, type, ...this.#producing(false), ...this.#map() };
    }
  }

  #resource(): string {
    const resource = this.#raw.Resource;
    if (typeof resource !== "string" || resource === "") {
      this.#problem(`"Resource" must be the name of a function`);
      return "";
    }
    return resource;
  }

  #positiveInteger(field: string): number | undefined {
    const value = this.#raw[field];
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || (value as number) <= 0) {
      return this.#problem(`"${field}" must be a positive integer, not ${JSON.stringify(value)}`);
    }
    return value as number;
  }

  #flow(): string | undefined {
    const { Next: next, End: end } = this.#raw;
    if (next !== undefined && end !== undefined) return this.#problem(`has both "Next" and "End"`);
    if (end !== undefined) {
      if (end !== true) this.#problem(`"End" must be true (or use "Next")`);
      return undefined;
    }
    if (next === undefined) return this.#problem(`needs "Next" or "End": true`);
    if (typeof next !== "string") return this.#problem(`"Next" must be a state name`);
    return next;
  }

  #path(field: string, reference: boolean): JsonPath | null | undefined {
    const value = this.#raw[field];
    if (value === undefined || value === null) return value;
    if (typeof value !== "string") return this.#problem(`"${field}" must be a path or null`);
    return this.#try(() => reference ? parseReferencePath(value) : parseJsonPath(value));
  }

  #referencePath(field: string): JsonPath | null | undefined {
    return this.#path(field, true);
  }

  #io(): { inputPath?: JsonPath | null; outputPath?: JsonPath | null } {
    return { inputPath: this.#path("InputPath", true), outputPath: this.#path("OutputPath", true) };
  }

  #template(field: string): Template | undefined {
    const value = this.#raw[field];
    if (value === undefined) return undefined;
    return this.#try(() => parseTemplate(value, field));
  }

  #producing(parameters = true): {
    inputPath?: JsonPath | null;
    outputPath?: JsonPath | null;
    next?: string;
    parameters?: Template;
    resultSelector?: Template;
    resultPath?: JsonPath | null;
    retry: Retrier[];
    catch: Catcher[];
  } {
    const retry = this.#raw.Retry === undefined
      ? []
      : this.#try(() => parseRetriers(this.#raw.Retry)) ?? [];
    const caught = this.#raw.Catch === undefined
      ? []
      : this.#try(() => parseCatchers(this.#raw.Catch)) ?? [];
    return {
      ...this.#io(),
      next: this.#flow(),
      parameters: parameters ? this.#template("Parameters") : undefined,
      resultSelector: this.#template("ResultSelector"),
      resultPath: this.#referencePath("ResultPath"),
      retry,
      catch: caught,
    };
  }

  #choices(): { choices: ChoiceBranch[]; default?: string } {
    const { Choices: raw, Default: fallback } = this.#raw;
    if (fallback !== undefined && typeof fallback !== "string") {
      this.#problem(`"Default" must be a state name`);
    }
    if (!Array.isArray(raw) || raw.length === 0) {
      this.#problem(`"Choices" must be a non-empty array of rules`);
      return { choices: [] };
    }
    const choices: ChoiceBranch[] = [];
    raw.forEach((rule, i) => {
      const parsed = this.#try(() => parseChoiceRule(rule, `Choices[${i}]`, true));
      if (parsed) choices.push({ rule: parsed, next: (rule as { Next: string }).Next });
    });
    return { choices, default: fallback as string | undefined };
  }

  #wait(): WaitFor {
    const given = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"].filter((f) =>
      this.#raw[f] !== undefined
    );
    const fallback: WaitFor = { kind: "seconds", seconds: 0 };
    if (given.length !== 1) {
      this.#problem(
        given.length === 0
          ? `needs one of "Seconds", "SecondsPath", "Timestamp", "TimestampPath"`
          : `has several of ${given.map((f) => `"${f}"`).join(", ")}; give one`,
      );
      return fallback;
    }
    const [field] = given;
    const value = this.#raw[field];
    if (field === "Seconds") {
      if (!Number.isInteger(value) || (value as number) < 0) {
        this.#problem(`"Seconds" must be an integer ≥ 0, not ${JSON.stringify(value)}`);
        return fallback;
      }
      return { kind: "seconds", seconds: value as number };
    }
    if (field === "Timestamp") {
      if (!isTimestamp(value)) {
        this.#problem(`"Timestamp" must be an RFC 3339 timestamp, not ${JSON.stringify(value)}`);
        return fallback;
      }
      return { kind: "timestamp", timestamp: value };
    }
    const path = this.#path(field, true);
    if (!path) return fallback;
    return field === "SecondsPath"
      ? { kind: "secondsPath", path }
      : { kind: "timestampPath", path };
  }

  #failField(field: "Error" | "Cause"): FailState["error"] {
    const fixed = this.#raw[field];
    const dynamic = this.#raw[`${field}Path`];
    if (fixed !== undefined && dynamic !== undefined) {
      return this.#problem(`has both "${field}" and "${field}Path"`);
    }
    if (fixed !== undefined) {
      if (typeof fixed !== "string") return this.#problem(`"${field}" must be a string`);
      return fixed;
    }
    if (dynamic === undefined) return undefined;
    if (typeof dynamic !== "string") {
      return this.#problem(`"${field}Path" must be a path or an intrinsic function`);
    }
    return this.#try((): DynamicValue => {
      const value = parseDynamicValue(dynamic);
      if (value.kind === "path") parseReferencePath(dynamic);
      return value;
    });
  }

  #itemsPath(): JsonPath | undefined {
    if (this.#raw.ItemsPath === null) return this.#problem(`"ItemsPath" must be a path (not null)`);
    return this.#path("ItemsPath", true) ?? undefined;
  }

  #body(raw: unknown, scope: string): StateMachine | undefined {
    return this.parseBody(raw, scope);
  }

  #branches(): StateMachine[] {
    const raw = this.#raw.Branches;
    if (!Array.isArray(raw) || raw.length === 0) {
      this.#problem(`"Branches" must be a non-empty array of state machines`);
      return [];
    }
    const prefix = this.scope === "" ? this.name : `${this.scope}/${this.name}`;
    return raw.map((branch, i) => this.#body(branch, `${prefix}/${i}`)).filter((b) =>
      b !== undefined
    );
  }

  #map(): {
    processor: StateMachine;
    itemsPath?: JsonPath;
    itemSelector?: Template;
    maxConcurrency: number | JsonPath;
  } {
    const {
      ItemProcessor: processor,
      Iterator: iterator,
      ItemSelector: selector,
      Parameters: parameters,
    } = this.#raw;
    if (processor !== undefined && iterator !== undefined) {
      this.#problem(`has both "ItemProcessor" and "Iterator"`);
    }
    if (selector !== undefined && parameters !== undefined) {
      this.#problem(`has both "ItemSelector" and "Parameters"`);
    }
    if (processor === undefined && iterator === undefined) {
      this.#problem(`needs an "ItemProcessor" (or "Iterator")`);
    }
    const prefix = this.scope === "" ? this.name : `${this.scope}/${this.name}`;
    const body = processor ?? iterator;
    const machine = body === undefined ? undefined : this.#body(body, `${prefix}/*`);
    let maxConcurrency: number | JsonPath = 0;
    const { MaxConcurrency: max, MaxConcurrencyPath: maxPath } = this.#raw;
    if (max !== undefined && maxPath !== undefined) {
      this.#problem(`has both "MaxConcurrency" and "MaxConcurrencyPath"`);
    }
    if (max !== undefined) {
      if (!Number.isInteger(max) || (max as number) < 0) {
        this.#problem(`"MaxConcurrency" must be an integer ≥ 0`);
      } else maxConcurrency = max as number;
    }
    if (maxPath !== undefined) maxConcurrency = this.#path("MaxConcurrencyPath", true) ?? 0;
    return {
      processor: machine ?? { startAt: "", states: new Map() },
      itemsPath: this.#itemsPath(),
      itemSelector: this.#template(selector !== undefined ? "ItemSelector" : "Parameters"),
      maxConcurrency,
    };
  }
}

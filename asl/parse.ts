/**
 * Parsing and validation of a definition: the JSON document (or its text) becomes a
 * {@linkcode StateMachine}, or an {@linkcode AslDefinitionError} lists every problem found, each
 * naming its state and field (`state "Double": "Next" names no state ("Dubble")`).
 *
 * Checked: the fields each state type allows and their types, unknown and unsupported fields,
 * `StartAt`, `Next`/`End` (exactly one), states no path reaches, paths and reference paths,
 * payload templates and intrinsic calls, Choice rules, Retry/Catch (on Task, Parallel and Map
 * only), Wait durations, Parallel branches and Map processors (machines of their own, checked
 * the same way), `TimeoutSeconds` and `MaxConcurrency`. The checks of one state are in
 * `parse_state.ts`; this module checks the machines: fields, `StartAt`, transitions, reachability.
 *
 * @module
 */
import type { State, StateMachine } from "./definition.ts";
import { AslDefinitionError } from "./errors.ts";
import { isJsonObject } from "./json.ts";
import { label, StateParser, UNSUPPORTED } from "./parse_state.ts";

/** The characters step ids are built with (`Par/0/Name`, `Name#2`, `Name@2`, `Name!timeout`). */
const STEP_ID_MARKS = /[/#@!]/;

const MACHINE_FIELDS = new Set([
  "StartAt",
  "States",
  "Comment",
  "Version",
  "TimeoutSeconds",
  "QueryLanguage",
]);
const BODY_FIELDS = new Set(["StartAt", "States", "Comment", "ProcessorConfig"]);

/**
 * Parses and validates a definition (a JSON text or the parsed document).
 *
 * @example
 * ```ts
 * import { parseStateMachine } from "./parse.ts";
 *
 * const machine = parseStateMachine({
 *   StartAt: "Hello",
 *   States: { Hello: { Type: "Pass", Result: "world", End: true } },
 * });
 * console.log(machine.startAt); // "Hello"
 * ```
 */
export function parseStateMachine(source: string | unknown): StateMachine {
  let document: unknown = source;
  if (typeof source === "string") {
    try {
      document = JSON.parse(source);
    } catch (error) {
      throw new AslDefinitionError(`the definition is not JSON: ${(error as Error).message}`);
    }
  }
  const problems: string[] = [];
  const machine = parseMachine(document, "", MACHINE_FIELDS, problems);
  if (problems.length > 0 || !machine) throw new AslDefinitionError(problems);
  return machine;
}

/** Parses a machine (top level, branch or processor); `scope` prefixes its state names. */
function parseMachine(
  document: unknown,
  scope: string,
  fields: ReadonlySet<string>,
  problems: string[],
): StateMachine | undefined {
  const where = scope === "" ? "the definition" : `"${scope}"`;
  if (!isJsonObject(document)) {
    problems.push(`${where} must be a JSON object`);
    return undefined;
  }
  for (const key of Object.keys(document)) {
    if (key === "QueryLanguage" && document[key] === "JSONPath") continue;
    if (!fields.has(key) || key === "QueryLanguage") {
      problems.push(`${where}: ${UNSUPPORTED[key] ?? `unknown field "${key}"`}`);
    }
  }
  const { StartAt: startAt, States: rawStates, TimeoutSeconds: timeout, Comment: comment } =
    document;
  if (isJsonObject(document.ProcessorConfig)) {
    const mode = document.ProcessorConfig.Mode;
    if (mode !== undefined && mode !== "INLINE") {
      problems.push(
        `${where}: "ProcessorConfig.Mode" ${JSON.stringify(mode)} is not supported (only INLINE)`,
      );
    }
  }
  if (typeof startAt !== "string") problems.push(`${where}: "StartAt" must be a state name`);
  if (!isJsonObject(rawStates) || Object.keys(rawStates).length === 0) {
    problems.push(`${where}: "States" must be an object with at least one state`);
    return undefined;
  }
  if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) > 0)) {
    problems.push(`${where}: "TimeoutSeconds" must be a positive integer`);
  }
  if (comment !== undefined && typeof comment !== "string") {
    problems.push(`${where}: "Comment" must be a string`);
  }
  const states = new Map<string, State>();
  for (const [name, raw] of Object.entries(rawStates)) {
    if (STEP_ID_MARKS.test(name) || name === "") {
      problems.push(
        `${
          label(name, scope)
        }: a state name must be non-empty, without "/", "#", "@" or "!" (they build step ids)`,
      );
      continue;
    }
    const state = new StateParser(
      name,
      scope,
      problems,
      (body, at) => parseMachine(body, at, BODY_FIELDS, problems),
    ).parse(raw);
    if (state) states.set(name, state);
  }
  if (typeof startAt !== "string") return undefined;
  if (!Object.hasOwn(rawStates, startAt)) {
    problems.push(`${where}: "StartAt" names no state ("${startAt}")`);
    return undefined;
  }
  checkTransitions(states, new Set(Object.keys(rawStates)), scope, problems);
  checkReachable(startAt, states, scope, problems);
  return {
    startAt,
    states,
    timeoutSeconds: timeout as number | undefined,
    comment: comment as string | undefined,
  };
}

/** The states a state may go to, with the field naming each. */
export function successors(state: State): [field: string, next: string][] {
  const out: [string, string][] = [];
  if ("next" in state && state.next !== undefined) out.push(["Next", state.next]);
  if (state.type === "Choice") {
    state.choices.forEach((c, i) => out.push([`Choices[${i}].Next`, c.next]));
    if (state.default !== undefined) out.push(["Default", state.default]);
  }
  if ("catch" in state) state.catch.forEach((c, i) => out.push([`Catch[${i}].Next`, c.next]));
  return out;
}

/** Checks that every transition names a state of the machine (`names`, valid or not). */
function checkTransitions(
  states: ReadonlyMap<string, State>,
  names: ReadonlySet<string>,
  scope: string,
  problems: string[],
) {
  for (const state of states.values()) {
    for (const [field, next] of successors(state)) {
      if (!names.has(next)) {
        problems.push(`${label(state.name, scope)}: "${field}" names no state ("${next}")`);
      }
    }
  }
}

function checkReachable(
  startAt: string,
  states: ReadonlyMap<string, State>,
  scope: string,
  problems: string[],
) {
  const reached = new Set([startAt]);
  const queue = [startAt];
  while (queue.length > 0) {
    const state = states.get(queue.shift()!);
    for (const [, next] of state ? successors(state) : []) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  for (const name of states.keys()) {
    if (!reached.has(name)) {
      problems.push(`${label(name, scope)}: no state leads here (unreachable)`);
    }
  }
}

/**
 * Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`) and the dynamic values
 * they hold: a key ending in `.$` takes its value from a path (`$.x` on the effective input,
 * `$$.x` on the context object) or from an intrinsic function call; every other value is
 * copied as written, nested objects and arrays included.
 *
 * @module
 */
import { AslRuntimeError, StatesErrors } from "./errors.ts";
import {
  evaluateIntrinsic,
  type IntrinsicCall,
  looksLikeIntrinsic,
  parseIntrinsic,
} from "./intrinsics.ts";
import { isJsonObject, type Json } from "./json.ts";
import { type JsonPath, parseJsonPath, selectPath } from "./json_path.ts";

/** A value computed at run time: a path's selection or an intrinsic call's result. */
export type DynamicValue =
  | { readonly kind: "path"; readonly path: JsonPath }
  | { readonly kind: "intrinsic"; readonly source: string; readonly call: IntrinsicCall };

/** A parsed payload template. */
export type Template =
  | { readonly kind: "value"; readonly value: Json }
  | { readonly kind: "array"; readonly items: readonly Template[] }
  | { readonly kind: "object"; readonly entries: readonly (readonly [string, Template])[] }
  | { readonly kind: "dynamic"; readonly key: string; readonly value: DynamicValue };

/** Parses a path (`$…`, `$$…`) or an intrinsic call (`States.…(…)`); throws with the reason. */
export function parseDynamicValue(source: string): DynamicValue {
  if (looksLikeIntrinsic(source)) {
    return { kind: "intrinsic", source, call: parseIntrinsic(source) };
  }
  if (source.startsWith("$")) return { kind: "path", path: parseJsonPath(source) };
  throw new Error(`"${source}" is neither a path ($…) nor an intrinsic function (States.…)`);
}

/**
 * Evaluates a dynamic value. A path that matches nothing throws an {@linkcode AslRuntimeError}
 * named `missing` (its message names the path).
 */
export function evaluateDynamicValue(
  value: DynamicValue,
  input: Json,
  context: Json,
  missing: string = StatesErrors.Runtime,
): Json {
  if (value.kind === "intrinsic") return evaluateIntrinsic(value.call, input, context);
  const selected = selectPath(value.path, input, context);
  if (selected === undefined) {
    throw new AslRuntimeError(
      `the path "${value.path.source}" matches nothing in the input`,
      missing,
    );
  }
  return selected;
}

/**
 * Parses a template; `field` names it in messages (`Parameters`), and errors name the key,
 * e.g. `"Parameters.user.name.$": "x" is neither a path …`.
 */
export function parseTemplate(value: unknown, field: string): Template {
  if (Array.isArray(value)) {
    return { kind: "array", items: value.map((v, i) => parseTemplate(v, `${field}[${i}]`)) };
  }
  if (!isJsonObject(value)) {
    if (value === undefined || typeof value === "function" || typeof value === "bigint") {
      throw new Error(`"${field}" is not a JSON value`);
    }
    return { kind: "value", value: value as Json };
  }
  const entries: [string, Template][] = [];
  const names = new Set<string>();
  for (const [key, child] of Object.entries(value)) {
    const where = `${field}.${key}`;
    const dynamic = key.endsWith(".$");
    const name = dynamic ? key.slice(0, -2) : key;
    if (names.has(name)) throw new Error(`"${where}": the key "${name}" is given twice`);
    names.add(name);
    if (!dynamic) {
      entries.push([name, parseTemplate(child, where)]);
      continue;
    }
    if (typeof child !== "string") {
      throw new Error(`"${where}" must be a string (a path or an intrinsic)`);
    }
    try {
      entries.push([name, { kind: "dynamic", key: where, value: parseDynamicValue(child) }]);
    } catch (error) {
      throw new Error(`"${where}": ${(error as Error).message}`);
    }
  }
  return { kind: "object", entries };
}

/** The payload a template builds from the effective input and the context object. */
export function applyTemplate(template: Template, input: Json, context: Json): Json {
  switch (template.kind) {
    case "value":
      return template.value;
    case "array":
      return template.items.map((item) => applyTemplate(item, input, context));
    case "object":
      return Object.fromEntries(
        template.entries.map(([key, child]) => [key, applyTemplate(child, input, context)]),
      );
    case "dynamic":
      try {
        return evaluateDynamicValue(
          template.value,
          input,
          context,
          StatesErrors.ParameterPathFailure,
        );
      } catch (error) {
        if (!(error instanceof AslRuntimeError)) throw error;
        throw new AslRuntimeError(`"${template.key}": ${error.cause}`, error.error);
      }
  }
}

/**
 * Invocation inputs from the command line: `-param name:value` pairs (string values, as
 * Serverledge's CLI sends them), `-param_json name:value` pairs (JSON values), a `-params_file`
 * of JSON and the `-qosclass` name or number.
 *
 * @module
 */
import { CliError, UsageError } from "./errors.ts";
import { readUserTextFile } from "./fs_error.ts";
import { QOS_CLASS_NAMES } from "../protocol/qos.ts";

/**
 * Reads `-param` options into parameters, every value a string as Serverledge's CLI sends it
 * (`n:17` gives "17"). Each is `name:value`, split at the first colon; one option may also carry
 * several pairs separated by commas (`-p a:1,b:2`, as Serverledge's CLI reads it) when every
 * comma-separated piece is itself a `name:value` pair, so a value like `hello, world` stays
 * whole.
 *
 * @example
 * ```ts
 * parseParams(["a:2", "b:x,c:y"]); // {a: "2", b: "x", c: "y"}
 * ```
 */
export function parseParams(options: readonly string[]): Record<string, string> {
  const params = new Map<string, string>();
  for (const option of options) {
    const pieces = option.split(",");
    const pairs = pieces.length > 1 && pieces.every(isPair) ? pieces : [option];
    for (const pair of pairs) params.set(...splitPair(pair, option));
  }
  // fromEntries makes every name an own property, `__proto__` too.
  return Object.fromEntries(params);
}

/**
 * Reads `-param_json` options, the opt-in to typed values: each is one `name:value` whose value
 * must be JSON (`n:17` gives the number 17, `on:true` a boolean, `xs:[1,2]` an array,
 * `s:"x"` a string). Commas belong to the value.
 *
 * @example
 * ```ts
 * parseJsonParams(["n:17", 'o:{"a":1,"b":2}']); // {n: 17, o: {a: 1, b: 2}}
 * ```
 */
export function parseJsonParams(options: readonly string[]): Record<string, unknown> {
  const params = new Map<string, unknown>();
  for (const option of options) {
    const [name, text] = splitPair(option, option);
    try {
      params.set(name, JSON.parse(text));
    } catch {
      throw new UsageError(
        `Parameter "${option}" of -param_json must have a JSON value ` +
          `(a number, true, false, null, "text", [..] or {..}); use -param for text`,
      );
    }
  }
  return Object.fromEntries(params);
}

/**
 * The parameters given on the command line: `-param` ones as strings, `-param_json` ones typed.
 * Throws a {@linkcode UsageError} when both name the same parameter.
 */
export function commandLineParams(
  textOptions: readonly string[],
  jsonOptions: readonly string[],
): Record<string, unknown> {
  const text = parseParams(textOptions);
  const typed = parseJsonParams(jsonOptions);
  const both = Object.keys(typed).find((name) => Object.hasOwn(text, name));
  if (both !== undefined) {
    throw new UsageError(`Parameter "${both}" is given by both -param and -param_json`);
  }
  return { ...text, ...typed };
}

function splitPair(pair: string, option: string): [string, string] {
  const colon = pair.indexOf(":");
  if (colon <= 0) throw new UsageError(`Parameter "${option}" must be written name:value`);
  return [pair.slice(0, colon), pair.slice(colon + 1)];
}

function isPair(piece: string): boolean {
  return /^[^:\s][^:]*:/.test(piece);
}

/** Reads a `-params_file` (a relative path from `cwd`): a JSON object of parameters. */
export async function readParamsFile(
  path: string,
  cwd: string = Deno.cwd(),
): Promise<Record<string, unknown>> {
  const text = await readUserTextFile(path, cwd, "parameters file");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`Parameters file "${path}" is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CliError(`Parameters file "${path}" must hold a JSON object of parameters`);
  }
  return value as Record<string, unknown>;
}

/** What `-qosclass` asks for. */
export interface QosChoice {
  /** The class number sent as `QoSClass`. */
  qosClass: number;
  /** Whether `async` was given (Serverledge's seed CLI spelling of an async invocation). */
  async: boolean;
}

/**
 * Reads `-qosclass`: a class name (case-insensitive), a non-negative integer, or `async`
 * (an asynchronous invocation of class 0). Absent means class 0 (`low`).
 */
export function parseQosClass(text: string | undefined): QosChoice {
  if (text === undefined) return { qosClass: 0, async: false };
  const lower = text.trim().toLowerCase();
  if (lower === "async") return { qosClass: 0, async: true };
  if (/^\d+$/.test(lower)) return { qosClass: Number(lower), async: false };
  if (!Object.hasOwn(QOS_CLASS_NAMES, lower)) {
    const names = [...Object.keys(QOS_CLASS_NAMES), "async"].map((n) => `"${n}"`).join(", ");
    throw new UsageError(`QoS class "${text}" is unknown: use a number or one of ${names}`);
  }
  return { qosClass: QOS_CLASS_NAMES[lower], async: false };
}

/**
 * Invocation inputs from the command line: `-param name:value` pairs, a `-params_file` of JSON
 * and the `-qosclass` name or number.
 *
 * @module
 */
import { CliError, UsageError } from "./errors.ts";
import { describeFsError } from "./fs_error.ts";
import { QOS_CLASS_NAMES } from "../protocol/qos.ts";

/**
 * A `-param` value: JSON where it parses as JSON (numbers, `true`/`false`, `null`, arrays,
 * objects, double-quoted strings), otherwise the text itself. `-param n:2` gives the number 2,
 * `-param n:'"2"'` the string "2", `-param name:Edge` the string "Edge".
 */
export function parseParamValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Reads `-param` options into parameters. Each is `name:value`, split at the first colon; one
 * option may also carry several pairs separated by commas (`-p a:1,b:2`, as today's Serverledge
 * CLI reads it) when every comma-separated piece is itself a `name:value` pair, so a value like
 * `list:[1,2]` stays whole.
 *
 * @example
 * ```ts
 * parseParams(["a:2", "b:x"]); // {a: 2, b: "x"}
 * ```
 */
export function parseParams(options: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const option of options) {
    const pieces = option.split(",");
    const pairs = pieces.length > 1 && pieces.every(isPair) ? pieces : [option];
    for (const pair of pairs) {
      const colon = pair.indexOf(":");
      if (colon <= 0) {
        throw new UsageError(`Parameter "${option}" must be written name:value`);
      }
      params[pair.slice(0, colon)] = parseParamValue(pair.slice(colon + 1));
    }
  }
  return params;
}

function isPair(piece: string): boolean {
  return /^[^:\s][^:]*:/.test(piece);
}

/** Reads a `-params_file`: a JSON object of parameters. */
export async function readParamsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new CliError(`Cannot read parameters file "${path}": ${describeFsError(error)}`, {
      cause: error,
    });
  }
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

/**
 * Error handling of Task, Parallel and Map states: `Retry` (retriers: which errors, how often,
 * how long between attempts) and `Catch` (catchers: which errors, where to go, where to put the
 * error object `{ Error, Cause }`).
 *
 * `States.ALL` matches every error except `States.Runtime`; `States.TaskFailed` matches every
 * error except `States.Timeout` and `States.Runtime`. `JitterStrategy: "FULL"` scales a delay
 * by a fraction derived from the attempt's step id, so a replayed run waits as the first did.
 *
 * @module
 */
import { StatesErrors } from "./errors.ts";
import { isJsonObject } from "./json.ts";
import { type JsonPath, parseReferencePath } from "./json_path.ts";

/** A parsed retrier. */
export interface Retrier {
  /** The error names it handles. */
  readonly errorEquals: readonly string[];
  /** Seconds before the first retry. @default 1 */
  readonly intervalSeconds: number;
  /** Retries at most (0: none). @default 3 */
  readonly maxAttempts: number;
  /** Factor applied to the interval on each retry. @default 2 */
  readonly backoffRate: number;
  /** Upper bound of a delay, in seconds. */
  readonly maxDelaySeconds?: number;
  /** `FULL` scales each delay by a fraction in [0, 1). @default "NONE" */
  readonly jitter: "FULL" | "NONE";
}

/** A parsed catcher. */
export interface Catcher {
  /** The error names it handles. */
  readonly errorEquals: readonly string[];
  /** The state to go to. */
  readonly next: string;
  /** Where the error object goes in the state's input; `null` discards it. @default "$" */
  readonly resultPath?: JsonPath | null;
}

const RETRIER_FIELDS = new Set([
  "ErrorEquals",
  "IntervalSeconds",
  "MaxAttempts",
  "BackoffRate",
  "MaxDelaySeconds",
  "JitterStrategy",
  "Comment",
]);
const CATCHER_FIELDS = new Set(["ErrorEquals", "Next", "ResultPath", "Comment"]);

/** Parses `Retry`; throws with a message naming the retrier and field. */
export function parseRetriers(raw: unknown): Retrier[] {
  return parseList(raw, "Retry", RETRIER_FIELDS, (r, where) => {
    const intervalSeconds = number(r.IntervalSeconds, `${where}.IntervalSeconds`, 1, 1, true);
    const maxAttempts = number(r.MaxAttempts, `${where}.MaxAttempts`, 3, 0, true);
    const backoffRate = number(r.BackoffRate, `${where}.BackoffRate`, 2, 1, false);
    const maxDelaySeconds = r.MaxDelaySeconds === undefined
      ? undefined
      : number(r.MaxDelaySeconds, `${where}.MaxDelaySeconds`, 0, 1, true);
    const jitter = r.JitterStrategy ?? "NONE";
    if (jitter !== "FULL" && jitter !== "NONE") {
      throw new Error(`"${where}.JitterStrategy" must be "FULL" or "NONE"`);
    }
    return {
      errorEquals: r.ErrorEquals as string[],
      intervalSeconds,
      maxAttempts,
      backoffRate,
      maxDelaySeconds,
      jitter,
    };
  });
}

/** Parses `Catch`; throws with a message naming the catcher and field. */
export function parseCatchers(raw: unknown): Catcher[] {
  return parseList(raw, "Catch", CATCHER_FIELDS, (c, where) => {
    if (typeof c.Next !== "string") throw new Error(`"${where}.Next" must be a state name`);
    let resultPath: JsonPath | null | undefined;
    if (c.ResultPath === null) resultPath = null;
    else if (c.ResultPath !== undefined) {
      if (typeof c.ResultPath !== "string") {
        throw new Error(`"${where}.ResultPath" must be a path or null`);
      }
      try {
        resultPath = parseReferencePath(c.ResultPath);
      } catch (error) {
        throw new Error(`"${where}.ResultPath": ${(error as Error).message}`);
      }
    }
    return { errorEquals: c.ErrorEquals as string[], next: c.Next, resultPath };
  });
}

function parseList<T>(
  raw: unknown,
  field: string,
  fields: ReadonlySet<string>,
  parse: (item: Record<string, unknown>, where: string) => T,
): T[] {
  if (!Array.isArray(raw)) throw new Error(`"${field}" must be an array`);
  return raw.map((item, i) => {
    const where = `${field}[${i}]`;
    if (!isJsonObject(item)) throw new Error(`"${where}" must be an object`);
    const unknown = Object.keys(item).find((key) => !fields.has(key));
    if (unknown) throw new Error(`"${where}": unknown field "${unknown}"`);
    const errors = item.ErrorEquals;
    if (
      !Array.isArray(errors) || errors.length === 0 ||
      errors.some((e) => typeof e !== "string" || e === "")
    ) {
      throw new Error(`"${where}.ErrorEquals" must be a non-empty array of error names`);
    }
    if (errors.includes(StatesErrors.ALL)) {
      if (errors.length > 1) throw new Error(`"${where}.ErrorEquals": "States.ALL" must be alone`);
      if (i !== raw.length - 1) {
        throw new Error(
          `"${where}": "States.ALL" must be in the last ${
            field === "Retry" ? "retrier" : "catcher"
          }`,
        );
      }
    }
    return parse(item, where);
  });
}

function number(
  value: unknown,
  field: string,
  fallback: number,
  min: number,
  integer: boolean,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`"${field}" must be ${integer ? "an integer" : "a number"} ≥ ${min}`);
  }
  return value;
}

/** Whether an `ErrorEquals` list handles the error named `error`. */
export function handles(errorEquals: readonly string[], error: string): boolean {
  if (error === StatesErrors.Runtime) return false;
  return errorEquals.some((name) =>
    name === error || name === StatesErrors.ALL ||
    (name === StatesErrors.TaskFailed && error !== StatesErrors.Timeout)
  );
}

/**
 * The delay before retry number `retry` (1 for the first) in milliseconds: the interval times
 * the backoff rate to the power `retry - 1`, capped by `MaxDelaySeconds`, scaled by the jitter
 * of `step` when the strategy is `FULL`.
 */
export function retryDelayMs(retrier: Retrier, retry: number, step: string): number {
  let seconds = retrier.intervalSeconds * retrier.backoffRate ** (retry - 1);
  if (retrier.maxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.maxDelaySeconds);
  const ms = Math.round(seconds * 1000);
  return retrier.jitter === "FULL" ? Math.floor(ms * fraction(step)) : ms;
}

/** A fraction in [0, 1) from `text` (FNV-1a), the same on every run. */
function fraction(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

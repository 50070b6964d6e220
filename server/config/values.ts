/**
 * The kinds of config values and how each is read from what a file or an environment variable
 * holds. A kind carries the TypeScript type of its value, so that the key table can type the
 * `Config` it produces.
 *
 * @example Read a port
 * ```ts
 * import { integer } from "./values.ts";
 *
 * const port = integer(1, 65535);
 * console.log(port.read("1323"), port.read(0)); // 1323 undefined
 * ```
 *
 * @module
 */
import { SCHEDULING_POLICIES, type SchedulingPolicyName } from "../../protocol/policies.ts";

/** The value of one config key after validation. */
export type ConfigValue = string | number | boolean | readonly string[];

/** The type of a config key, as documented. */
export type ConfigKeyType = "string" | "integer" | "number" | "boolean" | "url" | "enum" | "list";

/** One kind of value: its documented type, what a valid value looks like, and its reader. */
export interface ValueKind<V extends ConfigValue> {
  /** Value type, as documented. */
  readonly type: ConfigKeyType;
  /** What a valid value looks like, e.g. `an integer from 1 to 65535`. */
  readonly expected: string;
  /** Returns the validated value, or `undefined` when `raw` is not acceptable. */
  read(raw: unknown): V | undefined;
}

/**
 * An integer from `min` to `max` (no upper bound when `max` is absent), also written as a
 * string of digits.
 */
export function integer(min: number, max?: number): ValueKind<number> {
  const expected = max !== undefined
    ? `an integer from ${min} to ${max}`
    : min === 1
    ? "a positive integer"
    : min === 0
    ? "a non-negative integer"
    : `an integer of at least ${min}`;
  return {
    type: "integer",
    expected,
    read(raw) {
      let n: number;
      if (typeof raw === "number") n = raw;
      else if (typeof raw === "bigint") n = Number(raw);
      else if (typeof raw === "string" && /^\s*[+-]?\d+\s*$/.test(raw)) n = Number(raw);
      else return undefined;
      if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) return undefined;
      return n;
    },
  };
}

/** A finite number greater than 0, also written as a decimal string. */
export function positiveNumber(): ValueKind<number> {
  return {
    type: "number",
    expected: "a positive number",
    read(raw) {
      let n: number;
      if (typeof raw === "number") n = raw;
      else if (
        typeof raw === "string" && /^\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw)
      ) {
        n = Number(raw);
      } else return undefined;
      return Number.isFinite(n) && n > 0 ? n : undefined;
    },
  };
}

/** `true` or `false`, also the strings `true`, `false`, `1`, `0` in any case. */
export function bool(): ValueKind<boolean> {
  return {
    type: "boolean",
    expected: "true or false",
    read(raw) {
      if (typeof raw === "boolean") return raw;
      if (typeof raw !== "string") return undefined;
      const s = raw.trim().toLowerCase();
      if (s === "true" || s === "1") return true;
      if (s === "false" || s === "0") return false;
      return undefined;
    },
  };
}

/**
 * A string (or a number, read as its decimal text), trimmed, that matches `pattern` when one
 * is given.
 *
 * @param expected what a valid value looks like, for messages and the README
 * @param pattern what the trimmed string must match
 */
export function text(expected = "a string", pattern?: RegExp): ValueKind<string> {
  const verbatim = verbatimText(expected);
  return {
    type: "string",
    expected,
    read(raw) {
      const s = verbatim.read(raw)?.trim();
      return s !== undefined && (pattern === undefined || pattern.test(s)) ? s : undefined;
    },
  };
}

/**
 * A string taken exactly as written, not trimmed (a password may start or end with a space),
 * or a number read as its decimal text.
 *
 * @param expected what a valid value looks like, for messages and the README
 */
export function verbatimText(expected = "a string"): ValueKind<string> {
  return {
    type: "string",
    expected,
    read(raw) {
      if (typeof raw === "string") return raw;
      if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
      return undefined;
    },
  };
}

/**
 * A list of strings, each trimmed and matching `pattern`: a YAML or TOML list, or one string of
 * comma-separated items (as an environment variable holds it). Empty items are dropped, so an
 * empty string is the empty list.
 *
 * @param expected what a valid value looks like, for messages and the README
 * @param pattern what each trimmed item must match
 */
export function list(expected: string, pattern: RegExp): ValueKind<readonly string[]> {
  return {
    type: "list",
    expected,
    read(raw) {
      const items = typeof raw === "string" ? raw.split(",") : raw;
      if (!Array.isArray(items)) return undefined;
      const values: string[] = [];
      for (const item of items) {
        if (typeof item !== "string") return undefined;
        const value = item.trim();
        if (value === "") continue;
        if (!pattern.test(value)) return undefined;
        values.push(value);
      }
      return values;
    },
  };
}

/** An `http:` or `https:` URL with a host, read without trailing slashes; or empty. */
export function httpUrl(): ValueKind<string> {
  return {
    type: "url",
    expected: "an http:// or https:// URL (or empty)",
    read(raw) {
      if (typeof raw !== "string") return undefined;
      const s = raw.trim();
      if (s === "") return "";
      if (!URL.canParse(s)) return undefined;
      const url = new URL(s);
      if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
      if (url.hostname === "") return undefined;
      return s.replace(/\/+$/, "");
    },
  };
}

/**
 * One of {@linkcode SCHEDULING_POLICIES} in any case; Serverledge's `qosaware` and
 * `QoSAwareEdgeCloud` are read as `edgecloud`.
 */
export function policyName(): ValueKind<SchedulingPolicyName> {
  const aliases: Record<string, SchedulingPolicyName> = {
    qosaware: "edgecloud",
    qosawareedgecloud: "edgecloud",
  };
  return {
    type: "enum",
    expected: `one of ${SCHEDULING_POLICIES.map((p) => `"${p}"`).join(", ")}`,
    read(raw) {
      if (typeof raw !== "string") return undefined;
      const s = raw.trim().toLowerCase();
      return SCHEDULING_POLICIES.find((p) => p === s) ??
        (Object.hasOwn(aliases, s) ? aliases[s] : undefined);
    },
  };
}

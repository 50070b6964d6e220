/**
 * Intrinsic functions: `States.Format('{} is {}', $.name, $.age)` and the others, usable as
 * the value of a `.$` key in a payload template and in a Fail state's `ErrorPath`/`CausePath`.
 * A call is parsed (and its arity checked) with the definition, and evaluated at run time.
 *
 * Supported: `States.Format`, `States.StringToJson`, `States.JsonToString`, `States.Array`,
 * `States.ArrayPartition`, `States.ArrayContains`, `States.ArrayRange`, `States.ArrayGetItem`,
 * `States.ArrayLength`, `States.ArrayUnique`, `States.Base64Encode`, `States.Base64Decode`,
 * `States.JsonMerge` (shallow), `States.MathAdd`, `States.StringSplit`. Not supported:
 * `States.Hash`, `States.MathRandom` and `States.UUID` (a replayed run must compute the same
 * values).
 *
 * @module
 */
import { AslRuntimeError, StatesErrors } from "./errors.ts";
import { isJsonObject, type Json, jsonEquals, jsonTypeOf } from "./json.ts";
import { type JsonPath, parseJsonPath, selectPath } from "./json_path.ts";

/** An argument of an intrinsic call. */
export type IntrinsicArgument =
  | { readonly kind: "literal"; readonly value: Json; readonly raw?: string }
  | { readonly kind: "path"; readonly path: JsonPath }
  | { readonly kind: "call"; readonly call: IntrinsicCall };

/** A parsed intrinsic call. */
export interface IntrinsicCall {
  /** The function, e.g. `States.Format`. */
  readonly name: string;
  /** Its arguments. */
  readonly args: readonly IntrinsicArgument[];
}

/** An intrinsic call that does not parse, or names no supported function. */
export class IntrinsicSyntaxError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "IntrinsicSyntaxError";
  }
}

/** A function's body; `template` is the raw text of a literal first argument (for Format). */
type Implementation = (args: Json[], name: string, template?: string) => Json;

interface Definition {
  readonly min: number;
  readonly max: number;
  readonly run: Implementation;
}

/** Whether `source` is written as an intrinsic call (`States.Name(`…). */
export function looksLikeIntrinsic(source: string): boolean {
  return /^States\.[A-Za-z0-9]+\s*\(/.test(source);
}

/** Parses an intrinsic call; throws {@linkcode IntrinsicSyntaxError}. */
export function parseIntrinsic(source: string): IntrinsicCall {
  const reader = new CallReader(source);
  const call = reader.call();
  reader.end();
  return call;
}

/** Evaluates a call against the effective input and the context object. */
export function evaluateIntrinsic(call: IntrinsicCall, input: Json, context: Json): Json {
  const args = call.args.map((arg) => {
    if (arg.kind === "literal") return arg.value;
    if (arg.kind === "call") return evaluateIntrinsic(arg.call, input, context);
    const value = selectPath(arg.path, input, context);
    if (value === undefined) fail(call.name, `the path "${arg.path.source}" matches nothing`);
    return value;
  });
  const [first] = call.args;
  return FUNCTIONS[call.name].run(
    args,
    call.name,
    first?.kind === "literal" ? first.raw : undefined,
  );
}

/** The names of the supported intrinsic functions. */
export function intrinsicNames(): string[] {
  return Object.keys(FUNCTIONS);
}

function fail(name: string, why: string): never {
  throw new AslRuntimeError(`${name}: ${why}`, StatesErrors.IntrinsicFailure);
}

function expect<T extends Json>(
  name: string,
  value: Json,
  type: "string" | "number" | "integer" | "array" | "object" | "boolean",
  what: string,
): T {
  const ok = type === "array"
    ? Array.isArray(value)
    : type === "object"
    ? isJsonObject(value)
    : type === "integer"
    ? Number.isInteger(value)
    : jsonTypeOf(value) === type;
  if (!ok) {
    fail(
      name,
      `${what} must be ${/^[aeiou]/.test(type) ? "an" : "a"} ${type}, not ${jsonTypeOf(value)}`,
    );
  }
  return value as T;
}

const utf8 = new TextEncoder();

const FUNCTIONS: Record<string, Definition> = {
  "States.Format": {
    min: 1,
    max: Infinity,
    run: ([template, ...values], name, raw) => {
      const text = raw ?? expect<string>(name, template, "string", "the template");
      let next = 0;
      const placeholders = raw === undefined ? /\{\}/g : /\\[{}\\']|\{\}/g;
      const out = text.replace(placeholders, (match) => {
        if (match !== "{}") return match.slice(1);
        if (next >= values.length) fail(name, "more {} than arguments");
        const value = values[next++];
        if (typeof value === "object" && value !== null) {
          fail(
            name,
            `argument ${next} is ${jsonTypeOf(value)}, not a string, number, boolean or null`,
          );
        }
        return String(value);
      });
      if (next !== values.length) fail(name, `${values.length} arguments for ${next} {}`);
      return out;
    },
  },
  "States.StringToJson": {
    min: 1,
    max: 1,
    run: ([text], name) => {
      try {
        return JSON.parse(expect<string>(name, text, "string", "the argument"));
      } catch (error) {
        return fail(name, `not JSON: ${(error as Error).message}`);
      }
    },
  },
  "States.JsonToString": { min: 1, max: 1, run: ([value]) => JSON.stringify(value) },
  "States.Array": { min: 0, max: Infinity, run: (values) => values },
  "States.ArrayPartition": {
    min: 2,
    max: 2,
    run: ([array, size], name) => {
      const items = expect<Json[]>(name, array, "array", "the first argument");
      const n = expect<number>(name, size, "integer", "the chunk size");
      if (n <= 0) fail(name, "the chunk size must be positive");
      const chunks: Json[] = [];
      for (let i = 0; i < items.length; i += n) chunks.push(items.slice(i, i + n));
      return chunks;
    },
  },
  "States.ArrayContains": {
    min: 2,
    max: 2,
    run: ([array, value], name) =>
      expect<Json[]>(name, array, "array", "the first argument").some((x) => jsonEquals(x, value)),
  },
  "States.ArrayRange": {
    min: 3,
    max: 3,
    run: ([first, last, by], name) => {
      const [a, b, s] = [first, last, by].map((v, i) =>
        expect<number>(name, v, "integer", ["the start", "the end", "the step"][i])
      );
      if (s === 0) fail(name, "the step must not be 0");
      const out: number[] = [];
      for (let x = a; s > 0 ? x <= b : x >= b; x += s) {
        if (out.length >= 1000) fail(name, "more than 1000 items");
        out.push(x);
      }
      return out;
    },
  },
  "States.ArrayGetItem": {
    min: 2,
    max: 2,
    run: ([array, index], name) => {
      const items = expect<Json[]>(name, array, "array", "the first argument");
      const i = expect<number>(name, index, "integer", "the index");
      if (i < 0 || i >= items.length) {
        fail(name, `index ${i} is outside the array (${items.length})`);
      }
      return items[i];
    },
  },
  "States.ArrayLength": {
    min: 1,
    max: 1,
    run: ([array], name) => expect<Json[]>(name, array, "array", "the argument").length,
  },
  "States.ArrayUnique": {
    min: 1,
    max: 1,
    run: ([array], name) => {
      const out: Json[] = [];
      for (const item of expect<Json[]>(name, array, "array", "the argument")) {
        if (!out.some((x) => jsonEquals(x, item))) out.push(item);
      }
      return out;
    },
  },
  "States.Base64Encode": {
    min: 1,
    max: 1,
    run: ([text], name) => {
      const bytes = utf8.encode(expect<string>(name, text, "string", "the argument"));
      return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
    },
  },
  "States.Base64Decode": {
    min: 1,
    max: 1,
    run: ([text], name) => {
      let binary: string;
      try {
        binary = atob(expect<string>(name, text, "string", "the argument"));
      } catch {
        return fail(name, "the argument is not base64");
      }
      const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
      return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    },
  },
  "States.JsonMerge": {
    min: 3,
    max: 3,
    run: ([a, b, deep], name) => {
      const left = expect<Record<string, Json>>(name, a, "object", "the first argument");
      const right = expect<Record<string, Json>>(name, b, "object", "the second argument");
      if (deep !== false) fail(name, "only a shallow merge (false) is supported");
      return { ...left, ...right };
    },
  },
  "States.MathAdd": {
    min: 2,
    max: 2,
    run: ([a, b], name) =>
      expect<number>(name, a, "integer", "the first argument") +
      expect<number>(name, b, "integer", "the second argument"),
  },
  "States.StringSplit": {
    min: 2,
    max: 2,
    run: ([text, separators], name) => {
      const value = expect<string>(name, text, "string", "the first argument");
      const chars = [...expect<string>(name, separators, "string", "the separators")];
      if (chars.length === 0) return [value];
      return value.split(
        new RegExp(`[${chars.map((c) => c.replace(/[\\\]^-]/g, "\\$&")).join("")}]`),
      )
        .filter((part) => part !== "");
    },
  },
};

/** Reads one call: `States.Name(arg, …)`, with literals, paths and nested calls as arguments. */
class CallReader {
  #at = 0;

  constructor(readonly source: string) {}

  #fail(what: string): never {
    throw new IntrinsicSyntaxError(`"${this.source}": ${what} at position ${this.#at}`);
  }

  #skipSpace() {
    while (/\s/.test(this.source[this.#at] ?? "")) this.#at++;
  }

  end() {
    this.#skipSpace();
    if (this.#at < this.source.length) this.#fail("unexpected text after the call");
  }

  call(): IntrinsicCall {
    this.#skipSpace();
    const name = /^States\.[A-Za-z0-9]+/.exec(this.source.slice(this.#at))?.[0];
    if (!name) return this.#fail("an intrinsic function name (States.…) is expected");
    const definition = FUNCTIONS[name];
    if (!definition) {
      return this.#fail(`"${name}" is not a supported intrinsic function`);
    }
    this.#at += name.length;
    this.#skipSpace();
    if (this.source[this.#at] !== "(") this.#fail('"(" is expected');
    this.#at++;
    const args: IntrinsicArgument[] = [];
    this.#skipSpace();
    if (this.source[this.#at] === ")") this.#at++;
    else {
      for (;;) {
        args.push(this.#argument());
        this.#skipSpace();
        const c = this.source[this.#at++];
        if (c === ")") break;
        if (c !== ",") this.#fail('"," or ")" is expected');
      }
    }
    if (args.length < definition.min || args.length > definition.max) {
      const wanted = definition.max === Infinity
        ? `at least ${definition.min}`
        : definition.min === definition.max
        ? `${definition.min}`
        : `${definition.min} to ${definition.max}`;
      throw new IntrinsicSyntaxError(
        `"${this.source}": ${name} takes ${wanted} argument(s), not ${args.length}`,
      );
    }
    return { name, args };
  }

  #argument(): IntrinsicArgument {
    this.#skipSpace();
    const rest = this.source.slice(this.#at);
    if (rest.startsWith("'")) return this.#string();
    if (rest.startsWith("States.")) return { kind: "call", call: this.call() };
    if (rest.startsWith("$")) {
      const text = /^[^,)]*/.exec(rest)![0].trim();
      this.#at += text.length;
      try {
        return { kind: "path", path: parseJsonPath(text) };
      } catch (error) {
        return this.#fail((error as Error).message);
      }
    }
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)(?=\s*[,)])/.exec(rest)?.[0];
    if (literal === undefined) return this.#fail("an argument is expected");
    this.#at += literal.length;
    return { kind: "literal", value: JSON.parse(literal) };
  }

  /** A single-quoted string, its escapes (`\'`, `\\`, `\{`, `\}`) resolved and as written. */
  #string(): IntrinsicArgument {
    let value = "";
    for (let i = this.#at + 1; i < this.source.length; i++) {
      const c = this.source[i];
      if (c === "\\" && i + 1 < this.source.length) value += this.source[++i];
      else if (c === "'") {
        const raw = this.source.slice(this.#at + 1, i);
        this.#at = i + 1;
        return { kind: "literal", value, raw };
      } else value += c;
    }
    return this.#fail("a string is not closed");
  }
}

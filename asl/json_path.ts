/**
 * JSONPath as the language uses it: parsing a path once (at definition time) and selecting
 * from a value with it (at run time), plus the reference paths of `InputPath`, `ResultPath`,
 * `OutputPath`, `ItemsPath` and Choice variables, which name at most one node and may be written.
 *
 * Supported syntax: `$` (the value) and `$$` (the context object); `.name` and `['name']`;
 * `[n]` and `[-n]`; `[*]` and `.*`; slices `[start:end:step]`; unions `[0,2]` and `['a','b']`;
 * recursive descent `..name`, `..*`, `..[n]`; filters `[?(@.field)]` and
 * `[?(@.field <op> literal)]` with `==`, `!=`, `<`, `<=`, `>`, `>=`. A reference path allows
 * only `.name`, `['name']` and `[n]` (n ≥ 0).
 *
 * @module
 */
import { isJsonObject, type Json, jsonEquals } from "./json.ts";

/** One step of a path. */
export type Segment =
  | { readonly kind: "field"; readonly name: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "wildcard" }
  | {
    readonly kind: "slice";
    readonly start?: number;
    readonly end?: number;
    readonly step?: number;
  }
  | { readonly kind: "union"; readonly keys: readonly (string | number)[] }
  | { readonly kind: "descend"; readonly then: Segment }
  | { readonly kind: "filter"; readonly filter: Filter };

/** A filter `[?(@.field <op> literal)]`, or `[?(@.field)]` (the field exists) without `op`. */
export interface Filter {
  /** The path relative to the element (`@`). */
  readonly path: readonly Segment[];
  /** The comparison, or absent for an existence test. */
  readonly op?: "==" | "!=" | "<" | "<=" | ">" | ">=";
  /** The literal compared with. */
  readonly value?: Json;
}

/** A parsed path. */
export interface JsonPath {
  /** The path as written. */
  readonly source: string;
  /** Whether it starts with `$$` (selects from the context object). */
  readonly context: boolean;
  /** Its steps after the root. */
  readonly segments: readonly Segment[];
  /** Whether it names at most one node (only fields and indexes). */
  readonly definite: boolean;
}

/** A path that does not parse; the message says where. */
export class PathSyntaxError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "PathSyntaxError";
  }
}

/** Parses a JSONPath (`$…` or `$$…`); throws {@linkcode PathSyntaxError}. */
export function parseJsonPath(source: string): JsonPath {
  if (!source.startsWith("$")) throw new PathSyntaxError(`"${source}" does not start with "$"`);
  const context = source.startsWith("$$");
  const reader = new PathReader(source, context ? 2 : 1);
  const segments = reader.segments();
  const definite = segments.every((s) => s.kind === "field" || s.kind === "index");
  return { source, context, segments, definite };
}

/** Parses a reference path (only `.name`, `['name']`, `[n]`); throws {@linkcode PathSyntaxError}. */
export function parseReferencePath(source: string): JsonPath {
  const path = parseJsonPath(source);
  const bad = path.segments.find((s) => s.kind !== "field" && (s.kind !== "index" || s.index < 0));
  if (bad) {
    throw new PathSyntaxError(
      `"${source}" is not a reference path (only .name, ['name'] and [n] are allowed)`,
    );
  }
  return path;
}

/** Every node `segments` select from `root`, in document order. */
export function selectAll(segments: readonly Segment[], root: Json): Json[] {
  let nodes: Json[] = [root];
  for (const segment of segments) nodes = nodes.flatMap((node) => step(segment, node));
  return nodes;
}

/**
 * What `path` selects: for a definite path the node, or `undefined` when there is none; for
 * any other path the array of the nodes it matches. `$$` paths select from `context`.
 */
export function selectPath(path: JsonPath, input: Json, context: Json = {}): Json | undefined {
  const nodes = selectAll(path.segments, path.context ? context : input);
  return path.definite ? nodes[0] : nodes;
}

/**
 * `root` with `value` written at the reference path `path` (missing objects on the way are
 * created; nothing is modified in place). Throws a `TypeError` naming the step when a node on
 * the way is not an object (or, for an index, not an array long enough).
 */
export function writePath(path: JsonPath, root: Json, value: Json): Json {
  const write = (node: Json | undefined, at: number): Json => {
    if (at === path.segments.length) return value;
    const segment = path.segments[at];
    if (segment.kind === "index") {
      if (!Array.isArray(node) || segment.index >= node.length) {
        throw new TypeError(`"${path.source}": no array element [${segment.index}] to write`);
      }
      const copy = [...node];
      copy[segment.index] = write(node[segment.index], at + 1);
      return copy;
    }
    if (segment.kind !== "field") throw new TypeError(`"${path.source}" is not a reference path`);
    if (node !== undefined && !isJsonObject(node)) {
      throw new TypeError(
        `"${path.source}": cannot write field "${segment.name}" into a non-object`,
      );
    }
    const object = node ?? {};
    return { ...object, [segment.name]: write(object[segment.name], at + 1) };
  };
  return write(root, 0);
}

function step(segment: Segment, node: Json): Json[] {
  switch (segment.kind) {
    case "field":
      return isJsonObject(node) && Object.hasOwn(node, segment.name) ? [node[segment.name]] : [];
    case "index": {
      if (!Array.isArray(node)) return [];
      const i = segment.index < 0 ? node.length + segment.index : segment.index;
      return i >= 0 && i < node.length ? [node[i]] : [];
    }
    case "wildcard":
      return children(node);
    case "slice":
      return Array.isArray(node) ? slice(node, segment) : [];
    case "union":
      return segment.keys.flatMap((key) =>
        step(
          typeof key === "number" ? { kind: "index", index: key } : { kind: "field", name: key },
          node,
        )
      );
    case "descend":
      return descendants(node).flatMap((n) => step(segment.then, n));
    case "filter":
      return children(node).filter((child) => passes(segment.filter, child));
  }
}

function children(node: Json): Json[] {
  if (Array.isArray(node)) return node;
  return isJsonObject(node) ? Object.values(node) : [];
}

function descendants(node: Json): Json[] {
  return [node, ...children(node).flatMap(descendants)];
}

function slice(
  array: Json[],
  { start, end, step = 1 }: Extract<Segment, { kind: "slice" }>,
): Json[] {
  const n = array.length;
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? n + i : i, 0), n);
  const out: Json[] = [];
  if (step > 0) {
    for (let i = clamp(start ?? 0); i < clamp(end ?? n); i += step) out.push(array[i]);
  } else {
    const from = start === undefined ? n - 1 : Math.min(start < 0 ? n + start : start, n - 1);
    const to = end === undefined ? -1 : Math.max(end < 0 ? n + end : end, -1);
    for (let i = from; i > to; i += step) out.push(array[i]);
  }
  return out;
}

function passes(filter: Filter, element: Json): boolean {
  const [found] = selectAll(filter.path, element);
  if (found === undefined) return false;
  if (filter.op === undefined) return true;
  const value = filter.value as Json;
  switch (filter.op) {
    case "==":
      return jsonEquals(found, value);
    case "!=":
      return !jsonEquals(found, value);
  }
  const comparable = (typeof found === "number" && typeof value === "number") ||
    (typeof found === "string" && typeof value === "string");
  if (!comparable) return false;
  const [a, b] = [found as number | string, value as number | string];
  switch (filter.op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}

const NAME = /^[^.[\]\s()'"=<>!]+/;
const FILTER =
  /^\?\(\s*@((?:\.[^.[\]\s()=<>!]+|\[\d+\]|\['[^']*'\])*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+?))?\s*\)$/;

/** Reads the segments of a path, one at a time, failing with the position on bad syntax. */
class PathReader {
  #at: number;

  constructor(readonly source: string, start: number) {
    this.#at = start;
  }

  segments(): Segment[] {
    const out: Segment[] = [];
    while (this.#at < this.source.length) out.push(this.#segment());
    return out;
  }

  #fail(what: string): never {
    throw new PathSyntaxError(`"${this.source}": ${what} at position ${this.#at}`);
  }

  #segment(): Segment {
    const rest = this.source.slice(this.#at);
    if (rest.startsWith("..")) {
      this.#at += 2;
      if (this.source[this.#at] === "[") return { kind: "descend", then: this.#bracket() };
      return { kind: "descend", then: this.#dotted() };
    }
    if (rest.startsWith(".")) {
      this.#at += 1;
      return this.#dotted();
    }
    if (rest.startsWith("[")) return this.#bracket();
    return this.#fail(`unexpected "${rest[0]}"`);
  }

  #dotted(): Segment {
    if (this.source[this.#at] === "*") {
      this.#at += 1;
      return { kind: "wildcard" };
    }
    const name = NAME.exec(this.source.slice(this.#at))?.[0];
    if (!name) return this.#fail("a field name is missing");
    this.#at += name.length;
    return { kind: "field", name };
  }

  #bracket(): Segment {
    const close = this.#closingBracket();
    const inner = this.source.slice(this.#at + 1, close).trim();
    const segment = this.#bracketContent(inner);
    this.#at = close + 1;
    return segment;
  }

  /** The index of the `]` closing the bracket at the cursor (quotes and parentheses skipped). */
  #closingBracket(): number {
    let quote: string | undefined;
    let depth = 0;
    for (let i = this.#at + 1; i < this.source.length; i++) {
      const c = this.source[i];
      if (quote) {
        if (c === "\\") i++;
        else if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "(") depth++;
      else if (c === ")") depth--;
      else if (c === "]" && depth === 0) return i;
    }
    return this.#fail('"[" is not closed');
  }

  #bracketContent(inner: string): Segment {
    if (inner === "*") return { kind: "wildcard" };
    if (inner.startsWith("?")) return { kind: "filter", filter: this.#filter(inner) };
    if (/^-?\d*:-?\d*(:-?\d*)?$/.test(inner)) {
      const [start, end, step] = inner.split(":").map((p) => p === "" ? undefined : Number(p));
      if (step === 0) this.#fail("a slice step of 0");
      return { kind: "slice", start, end, step };
    }
    const keys = splitUnion(inner).map((part) => this.#key(part));
    if (keys.length === 1) {
      const [key] = keys;
      return typeof key === "number" ? { kind: "index", index: key } : { kind: "field", name: key };
    }
    return { kind: "union", keys };
  }

  #key(part: string): string | number {
    if (/^-?\d+$/.test(part)) return Number(part);
    const quoted = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/.exec(part);
    if (!quoted) return this.#fail(`"[${part}]" is neither an index nor a quoted name`);
    return (quoted[1] ?? quoted[2]).replace(/\\(.)/g, "$1");
  }

  #filter(inner: string): Filter {
    const match = FILTER.exec(inner);
    if (!match) return this.#fail(`the filter "${inner}" is not of the form ?(@.field <op> value)`);
    const path = new PathReader(`@${match[1]}`, 1).segments();
    if (match[2] === undefined) return { path };
    let value: Json;
    const literal = match[3].replace(/^'((?:[^'\\]|\\.)*)'$/, (_, s: string) => JSON.stringify(s));
    try {
      value = JSON.parse(literal);
    } catch {
      return this.#fail(`the filter value ${match[3]} is not a literal`);
    }
    return { path, op: match[2] as Filter["op"], value };
  }
}

/** The comma-separated parts of a bracket, commas inside quotes kept. */
function splitUnion(inner: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      current += c;
      if (c === "\\") current += inner[++i] ?? "";
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === ",") {
      parts.push(current.trim());
      current = "";
    } else current += c;
  }
  parts.push(current.trim());
  return parts;
}

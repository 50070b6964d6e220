/**
 * Test helper: what a Go Serverledge node makes of the values this node writes to etcd, by the
 * rules of its source — the structs it decodes them into (`function.Function`,
 * `function.Response`), Go's `encoding/json` (keys matched in any case, unknown keys ignored,
 * `null` leaves the zero value, a value of another type fails the whole decode) and the
 * runtimes it accepts (`container.RuntimeToInfo`, plus `custom`). Also the values a Go node
 * writes, for tests that play one.
 *
 * @module
 */

/** The Go types of the struct fields decoded here (`signature`: `*function.Signature`). */
type GoType = "string" | "int64" | "float64" | "bool" | "signature";

/** A Go struct: its exported fields and their types, in declaration order. */
type GoStruct = Readonly<Record<string, GoType>>;

/** `function.Function` of Serverledge (`internal/function/function.go`). */
const GO_FUNCTION = {
  Name: "string",
  Runtime: "string",
  MemoryMB: "int64",
  CPUDemand: "float64",
  Handler: "string",
  TarFunctionCode: "string",
  CustomImage: "string",
  Signature: "signature",
} as const satisfies GoStruct;

/** How Go's errors name the types of {@linkcode GoType}. */
const GO_TYPE_NAMES: Readonly<Record<GoType, string>> = {
  string: "string",
  int64: "int64",
  float64: "float64",
  bool: "bool",
  signature: "*function.Signature",
};

/** `function.InputDef` and `function.OutputDef` of Serverledge (the same fields). */
const GO_SIGNATURE_ENTRY = { Name: "string", Type: "string" } as const satisfies GoStruct;

/** `function.Response` of Serverledge: `Success` and the embedded `ExecutionReport`'s fields. */
const GO_RESPONSE = {
  Success: "bool",
  Result: "string",
  ResponseTime: "float64",
  IsWarmStart: "bool",
  InitTime: "float64",
  OffloadLatency: "float64",
  Duration: "float64",
  SchedAction: "string",
  Output: "string",
} as const satisfies GoStruct;

/** A Go value of a struct's type, every field set (zero values for those the JSON lacks). */
export type GoValue<S extends GoStruct> = {
  -readonly [K in keyof S]: S[K] extends "string" ? string
    : S[K] extends "bool" ? boolean
    : S[K] extends "signature" ? GoSignature | null
    : number;
};

/** An input or output of a signature as Go decodes it (`null`: a nil `*InputDef`). */
export type GoSignatureEntry = GoValue<typeof GO_SIGNATURE_ENTRY> | null;

/** `function.Signature` as Go decodes it (`null`: a nil slice). */
export interface GoSignature {
  /** `[]*InputDef`. */
  Inputs: GoSignatureEntry[] | null;
  /** `[]*OutputDef`. */
  Outputs: GoSignatureEntry[] | null;
}

/** A function as a Go node decodes it. */
export type GoFunction = GoValue<typeof GO_FUNCTION>;
/** An async result as a Go node decodes it. */
export type GoResponse = GoValue<typeof GO_RESPONSE>;

/**
 * Runtime names Serverledge accepts at create and can run (`RuntimeToInfo` of
 * grussorusso/serverledge, and `custom`); serverledge-faas/serverledge has changed its list since
 * (`python314`, `nodejs17ng`, `go125`, `python312ml`).
 */
export const GO_RUNTIMES: readonly string[] = ["python310", "nodejs17", "nodejs17ng", "custom"];

/**
 * Decodes `json` as Go's `json.Unmarshal` decodes it into `function.Function`, and checks that
 * a Go node can run it (its runtime is one of {@linkcode GO_RUNTIMES}).
 *
 * @throws {TypeError} saying what a Go node would fail on
 */
export function decodeGoFunction(json: string): GoFunction {
  const fn = decodeGoStruct(json, GO_FUNCTION);
  if (!GO_RUNTIMES.includes(fn.Runtime)) {
    throw new TypeError(`a Go node has no runtime "${fn.Runtime}" (it has ${GO_RUNTIMES})`);
  }
  return fn;
}

/**
 * Decodes `json` as Go's `json.Unmarshal` decodes it into `function.Response`.
 *
 * @throws {TypeError} saying what a Go node would fail on
 */
export function decodeGoResponse(json: string): GoResponse {
  return decodeGoStruct(json, GO_RESPONSE);
}

/** The JSON a Go node stores for a function: `json.Marshal` of `function.Function`. */
export function goFunctionJson(fn: Omit<GoFunction, "Signature"> & Partial<GoFunction>): string {
  return marshalGoStruct(fn, GO_FUNCTION);
}

/** The JSON a Go node publishes as an async result: `json.Marshal` of `function.Response`. */
export function goResponseJson(response: Partial<GoResponse> & { Success: boolean }): string {
  return marshalGoStruct(response, GO_RESPONSE);
}

/** Go's `json.Marshal` of a struct of `fields`: every field, in order, zero when unset. */
function marshalGoStruct(value: Record<string, unknown>, fields: GoStruct): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(fields).map(([field, type]) => [field, value[field] ?? zeroValue(type)]),
    ),
  );
}

function zeroValue(type: GoType): unknown {
  if (type === "signature") return null;
  return type === "string" ? "" : type === "bool" ? false : 0;
}

/** Go's `json.Unmarshal` of an object into a struct of `fields`. */
function decodeGoStruct<S extends GoStruct>(json: string, fields: S): GoValue<S> {
  return decodeGoObject(JSON.parse(json), fields);
}

/** Go's decoding of a JSON value into a struct of `fields`. */
function decodeGoObject<S extends GoStruct>(value: unknown, fields: S): GoValue<S> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`json: cannot unmarshal ${describe(value)} into a Go struct`);
  }
  const decoded = Object.fromEntries(
    Object.entries(fields).map(([field, type]) => [field, zeroValue(type)]),
  );
  for (const [key, item] of Object.entries(value)) {
    // An exact match first, then any case (Go folds case; the later key wins).
    const field = key in fields
      ? key
      : Object.keys(fields).find((f) => f.toLowerCase() === key.toLowerCase());
    if (field === undefined || item === null) continue;
    decoded[field] = goScalar(item, fields[field], field);
  }
  return decoded as GoValue<S>;
}

function goScalar(item: unknown, type: GoType, field: string): unknown {
  const fails = () =>
    new TypeError(`json: cannot unmarshal ${describe(item)} into ${field} ${GO_TYPE_NAMES[type]}`);
  switch (type) {
    case "string":
      if (typeof item !== "string") throw fails();
      return item;
    case "bool":
      if (typeof item !== "boolean") throw fails();
      return item;
    case "int64":
      if (typeof item !== "number" || !Number.isInteger(item)) throw fails();
      return item;
    case "float64":
      if (typeof item !== "number") throw fails();
      return item;
    case "signature":
      if (typeof item !== "object" || Array.isArray(item)) throw fails();
      return decodeGoSignature(item as Record<string, unknown>);
  }
}

/** `function.Signature` decoded from `value`: two slices of pointers to `{Name, Type}`. */
function decodeGoSignature(value: Record<string, unknown>): GoSignature {
  const lists = { Inputs: "Inputs", Outputs: "Outputs" } as const;
  const signature: GoSignature = { Inputs: null, Outputs: null };
  for (const [key, item] of Object.entries(value)) {
    const list = Object.values(lists).find((l) => l.toLowerCase() === key.toLowerCase());
    if (list === undefined || item === null) continue;
    if (!Array.isArray(item)) {
      throw new TypeError(`json: cannot unmarshal ${describe(item)} into Signature.${list}`);
    }
    signature[list] = item.map((entry) =>
      entry === null ? null : decodeGoObject(entry, GO_SIGNATURE_ENTRY)
    );
  }
  return signature;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "array";
  return value === null ? "null" : typeof value;
}

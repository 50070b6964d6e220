/**
 * Turns the body of `POST /create` or `POST /update` into a checked function definition and
 * its unpacked files; checks definitions read from the registry the same way.
 *
 * @module
 */
import type { CodeFile } from "../../protocol/executor.ts";
import type { FunctionDefinition } from "../../protocol/function.ts";
import { BadRequestError, NotFoundError } from "../errors.ts";
import { findRuntime, type Runtime, RUNTIMES } from "../runtimes/catalog.ts";
import {
  describe,
  type JsonObject,
  numberField,
  optionalString,
  requiredString,
  requireObject,
} from "../validation/fields.ts";
import { decodeFields } from "../validation/wire_fields.ts";
import { readCodeArchive } from "./code_archive.ts";
import { checkSignature } from "./signature.ts";

/**
 * Node limits a definition is checked against. The pool's memory and CPUs are none: a function
 * larger than this node's pool may run on another node, and is refused at invoke only when no
 * node can take it.
 */
export interface DefinitionLimits {
  /** Maximum unpacked code size in bytes. */
  codeBytes: number;
  /** Timeout given to functions that do not set one, in seconds. */
  defaultTimeout: number;
}

/** A definition that passed every check, with the files of its code. */
export interface ParsedDefinition {
  /** The definition as it is stored (a new `Version`). */
  definition: FunctionDefinition;
  /** Its code, unpacked and checked (empty for `custom` functions without code). */
  files: CodeFile[];
}

/** Function names: letters, digits, `_` and `-`, 1–64 characters, not starting with `-`. */
export const FUNCTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

/** The fields of a create or update body, as Serverledge names them. */
const DEFINITION_FIELDS = [
  "Name",
  "Runtime",
  "MemoryMB",
  "CPUDemand",
  "Handler",
  "TarFunctionCode",
  "CustomImage",
  "MaxConcurrency",
  "Timeout",
  "Signature",
] as const satisfies readonly (keyof FunctionDefinition)[];

const IMAGE_REFERENCE = /^[a-z0-9][a-z0-9._\-/:@]{0,254}$/;
const MIN_MEMORY_MB = 16;
/** Memory of functions whose definition sets no `MemoryMB`, MB (what Serverledge's CLI asks by default). */
const DEFAULT_MEMORY_MB = 128;
/** `CPUDemand` meaning "no CPU cap" in Serverledge's API: booked as no demand, like 0. */
const NO_CPU_CAP = -1;
const MAX_TIMEOUT_S = 3600;

/** Checks a function name, throwing a `BadRequestError` that quotes it. */
export function checkFunctionName(name: unknown): string {
  return checkName(name, "Function");
}

/**
 * Checks a function's or a workflow's name (the same rule: {@linkcode FUNCTION_NAME}, as both
 * start request ids), throwing a `BadRequestError` that quotes it.
 */
export function checkName(name: unknown, what: "Function" | "Workflow"): string {
  if (typeof name !== "string" || !FUNCTION_NAME.test(name)) {
    const shown = typeof name === "string" ? `"${name.slice(0, 80)}"` : String(name);
    throw new BadRequestError(
      `${what} name ${shown} is invalid: use 1 to 64 letters, digits, "_" or "-"`,
    );
  }
  return name;
}

/**
 * Parses and checks a create/update body. The code archive is unpacked and checked (paths,
 * links, size) and must contain the file the handler names; a `Signature` is checked and kept (`null` when
 * none is given). The definition gets a new
 * `Version`; its `Runtime` is stored as given (an alias such as Serverledge's `python310` stays
 * `python310`, so a Go Serverledge node reads the name it knows), and resolved where it is used.
 */
export async function parseDefinition(
  input: unknown,
  limits: DefinitionLimits,
): Promise<ParsedDefinition> {
  const { fields, files } = await checkFields(
    decodeFields(input, "Function definition", DEFINITION_FIELDS),
    limits,
  );
  return { definition: { ...fields, Version: crypto.randomUUID() }, files };
}

/**
 * Checks a definition read from the registry (written by any node, or by hand) with the same
 * field and code checks as {@linkcode parseDefinition}, keeping its `Runtime` as stored and its
 * `Version` (one derived from its content when it has none, as Serverledge writes them). What a
 * Go Serverledge node does not write takes the defaults of a create (`Timeout`, `MaxConcurrency`),
 * and so does its `MemoryMB` of 0 (Go's zero value: not set). Throws an `HttpError` saying what
 * is wrong.
 */
export async function checkStoredDefinition(
  stored: unknown,
  limits: DefinitionLimits,
): Promise<ParsedDefinition> {
  const body = requireObject(stored, "Stored definition");
  const { fields, files } = await checkFields(withoutGoZeroMemory(body), limits);
  const version = body.Version === undefined ? await contentVersion(body) : body.Version;
  if (typeof version !== "string" || version === "") {
    throw new BadRequestError(
      `Field "Version" must be a non-empty string, got ${describe(version)}`,
    );
  }
  return { definition: { ...fields, Version: version }, files };
}

/** The fields of a definition, checked (its `Runtime` as given), and its files. */
async function checkFields(body: JsonObject, limits: DefinitionLimits): Promise<{
  fields: Omit<FunctionDefinition, "Version">;
  files: CodeFile[];
}> {
  const name = checkFunctionName(body.Name);
  const runtimeName = requiredString(body, "Runtime");
  const runtime = findRuntime(runtimeName);
  if (!runtime) {
    const known = RUNTIMES.flatMap((r) => [r.name, ...r.aliases]).join(", ");
    throw new NotFoundError(`Runtime "${runtimeName}" is unknown: use one of ${known}`);
  }
  const memoryMB = numberField(body, "MemoryMB", {
    min: MIN_MEMORY_MB,
    max: Infinity,
    integer: true,
  }, DEFAULT_MEMORY_MB);
  const cpuDemand = numberField(body, "CPUDemand", { min: -1, max: Infinity }, 0);
  if (cpuDemand < 0 && cpuDemand !== NO_CPU_CAP) {
    throw new BadRequestError(
      `Field "CPUDemand" must be -1 (no CPU demand) or at least 0, got ${cpuDemand}`,
    );
  }
  const maxConcurrency = numberField(
    body,
    "MaxConcurrency",
    { min: 1, max: 1000, integer: true },
    1,
  );
  if (maxConcurrency > 1 && !runtime.concurrent) {
    throw new BadRequestError(`Runtime "${runtime.name}" serves one invocation per container`);
  }
  const timeout = numberField(
    body,
    "Timeout",
    { min: 1, max: MAX_TIMEOUT_S, integer: true },
    limits.defaultTimeout,
  );
  const handler = optionalString(body, "Handler");
  const customImage = optionalString(body, "CustomImage");
  const code = optionalString(body, "TarFunctionCode");
  const signature = checkSignature(body.Signature);

  if (runtime.name === "custom") {
    if (!IMAGE_REFERENCE.test(customImage)) {
      throw new BadRequestError(
        `Field "CustomImage" must name a Docker image for runtime "custom", got "${customImage}"`,
      );
    }
  } else {
    if (customImage !== "") {
      throw new BadRequestError(`Field "CustomImage" is only for runtime "custom"`);
    }
    if (handler === "") {
      throw new BadRequestError(
        `Field "Handler" is required for runtime "${runtime.name}" (${runtime.handlerFormat})`,
      );
    }
    if (code === "") {
      throw new BadRequestError(
        `Field "TarFunctionCode" is required for runtime "${runtime.name}"`,
      );
    }
  }
  const files = code === "" ? [] : await checkCode(code, handler, runtime, limits.codeBytes);
  const fields = {
    Name: name,
    Runtime: runtimeName,
    MemoryMB: memoryMB,
    CPUDemand: cpuDemand,
    Handler: handler,
    TarFunctionCode: code,
    CustomImage: customImage,
    MaxConcurrency: maxConcurrency,
    Timeout: timeout,
    Signature: signature,
  };
  return { fields, files };
}

/**
 * `body` without a `MemoryMB` of 0: Go Serverledge writes every field, 0 for a memory its
 * creator did not give, so a stored 0 means "not set" (the create default applies), not a
 * container without a memory limit.
 */
function withoutGoZeroMemory(body: JsonObject): JsonObject {
  if (body.MemoryMB !== 0) return body;
  const { MemoryMB: _unset, ...rest } = body;
  return rest;
}

/** A version for a stored definition without one: a digest of its JSON. */
async function contentVersion(body: JsonObject): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(JSON.stringify(body)),
  );
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `sha256-${hex.slice(0, 32)}`;
}

async function checkCode(
  code: string,
  handler: string,
  runtime: Runtime,
  maxBytes: number,
): Promise<CodeFile[]> {
  const files = await readCodeArchive(code, { maxBytes });
  let needed: string | undefined;
  try {
    needed = runtime.handlerFile(handler);
  } catch (error) {
    throw new BadRequestError((error as Error).message);
  }
  if (needed === undefined) return files;
  const candidates = [needed, needed.replace(/\.py$/, "/__init__.py")];
  if (!files.some((f) => candidates.includes(f.path))) {
    const listed = files.slice(0, 10).map((f) => `"${f.path}"`).join(", ");
    throw new BadRequestError(
      `Handler "${handler}" needs file "${needed}", which the code does not contain (it has ${listed})`,
    );
  }
  return files;
}

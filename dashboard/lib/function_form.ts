/**
 * The upload form's model: its fields as text, and the `POST /create` / `POST /update` body
 * they make, checked enough to point at the field to fix (the node checks everything again).
 *
 * @module
 */
import { encodeBase64 } from "../../protocol/base64.ts";
import { type CodeFile, defaultHandler, editorFileName, packCode, starterCode } from "./code.ts";
import type {
  FunctionDefinitionBody,
  FunctionInfo,
  FunctionSignature,
  RuntimeInfo,
} from "../../protocol/function.ts";

/** Where the code comes from. */
export type CodeSource = "editor" | "files" | "folder";

/** The form's fields. */
export interface FunctionFormState {
  /** Function name. */
  name: string;
  /** Runtime name. */
  runtime: string;
  /** Memory in MB (text). */
  memory: string;
  /** CPUs (text; empty = no limit). */
  cpu: string;
  /** Handler. */
  handler: string;
  /** Image of a `custom` function. */
  customImage: string;
  /** Requests per container (text; empty = 1). */
  maxConcurrency: string;
  /** Timeout in seconds (text; empty = the node's default). */
  timeout: string;
  /** Where the code comes from. */
  source: CodeSource;
  /** The editor's text. */
  code: string;
  /** Picked files (for `files` and `folder`). */
  files: CodeFile[];
  /** The function's `Signature`, not edited here: an update sends it back, so it is kept. */
  signature: FunctionSignature | null;
}

/** Same as the node's check. */
export const FUNCTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

/** A blank form for `runtime`, with starter code in the editor. */
export function emptyForm(runtime: string): FunctionFormState {
  return {
    name: "",
    runtime,
    memory: "128",
    cpu: "",
    handler: defaultHandler(runtime),
    customImage: "",
    maxConcurrency: "",
    timeout: "",
    source: "editor",
    code: starterCode(runtime),
    files: [],
    signature: null,
  };
}

/**
 * The runtime of the catalog `name` names, canonical or alias: a function may be stored under an
 * alias (Serverledge's `python310`), which the form shows as the runtime it names.
 */
export function findRuntimeInfo(
  runtimes: readonly RuntimeInfo[],
  name: string,
): RuntimeInfo | undefined {
  return runtimes.find((r) => r.Name === name || r.Aliases.includes(name));
}

/** A form to update `fn`: its settings, and code to give again (the node never sends it back). */
export function formFromFunction(fn: FunctionInfo): FunctionFormState {
  return {
    ...emptyForm(fn.Runtime),
    name: fn.Name,
    memory: String(fn.MemoryMB),
    cpu: fn.CPUDemand ? String(fn.CPUDemand) : "",
    handler: fn.Handler,
    customImage: fn.CustomImage ?? "",
    maxConcurrency: fn.MaxConcurrency && fn.MaxConcurrency !== 1 ? String(fn.MaxConcurrency) : "",
    timeout: fn.Timeout ? String(fn.Timeout) : "",
    source: "files",
    code: "",
    signature: fn.Signature ?? null,
  };
}

/** The result of {@linkcode buildDefinition}: a body, or what is wrong and in which field. */
export type DefinitionResult =
  | { ok: true; body: FunctionDefinitionBody }
  | { ok: false; field: keyof FunctionFormState; error: string };

/** Checks the form and makes the create/update body. */
export function buildDefinition(form: FunctionFormState): DefinitionResult {
  const name = form.name.trim();
  if (!FUNCTION_NAME.test(name)) {
    return {
      ok: false,
      field: "name",
      error: "Name: 1 to 64 letters, digits, '_' or '-', not starting with '-'",
    };
  }
  const memory = Number(form.memory);
  if (!Number.isInteger(memory) || memory <= 0) {
    return { ok: false, field: "memory", error: "Memory: a whole number of MB, e.g. 128" };
  }
  const body: FunctionDefinitionBody = {
    Name: name,
    Runtime: form.runtime,
    MemoryMB: memory,
    Handler: form.handler.trim(),
    TarFunctionCode: "",
  };
  const optional = (
    field: "cpu" | "maxConcurrency" | "timeout",
    key: "CPUDemand" | "MaxConcurrency" | "Timeout",
    integer: boolean,
  ): string | undefined => {
    const text = form[field].trim();
    if (text === "") return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
      return integer ? "a whole number" : "a number";
    }
    body[key] = n;
  };
  for (
    const [field, key, integer, label] of [
      ["cpu", "CPUDemand", false, "CPU demand"],
      ["maxConcurrency", "MaxConcurrency", true, "Max concurrency"],
      ["timeout", "Timeout", true, "Timeout"],
    ] as const
  ) {
    const problem = optional(field, key, integer);
    if (problem) return { ok: false, field, error: `${label}: ${problem}` };
  }
  const custom = form.runtime === "custom";
  if (custom) {
    if (form.customImage.trim() === "") {
      return { ok: false, field: "customImage", error: "Custom image: name a local Docker image" };
    }
    body.CustomImage = form.customImage.trim();
  } else if (body.Handler === "") {
    return { ok: false, field: "handler", error: "Handler: required for this runtime" };
  }
  const files = codeFiles(form);
  if (files.length === 0 && !custom) {
    return {
      ok: false,
      field: form.source === "editor" ? "code" : "files",
      error: form.source === "editor" ? "Code: the editor is empty" : "Code: pick the code's files",
    };
  }
  if (form.signature) body.Signature = form.signature;
  if (isArchive(files)) body.TarFunctionCode = encodeBase64(files[0].data);
  else if (files.length > 0) body.TarFunctionCode = packCode(files);
  return { ok: true, body };
}

/** Whether `files` is one tar (or gzipped tar) to send as it is, as the CLI sends `-src x.tar`. */
export function isArchive(files: readonly CodeFile[]): boolean {
  return files.length === 1 && /\.(tar|tar\.gz|tgz)$/i.test(files[0].path);
}

/** The files the form's code source gives. */
export function codeFiles(form: FunctionFormState): CodeFile[] {
  if (form.source !== "editor") return form.files;
  if (form.code.trim() === "") return [];
  return [{
    path: editorFileName(form.runtime, form.handler),
    data: new TextEncoder().encode(form.code),
  }];
}

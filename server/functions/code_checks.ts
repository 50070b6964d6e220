/**
 * The checks a function's code passes before it is served, as the code checker's worker runs
 * them (see `code_checker.ts`): a create or update body, from its raw bytes, becomes a checked
 * definition with its code unpacked, checked and encoded for executors; the code of a stored
 * definition (written by another node) is checked and encoded the same way. Decoding base64,
 * gunzip, reading the tar and encoding `POST /init` are the costly steps: run here, they keep
 * the node's event loop free.
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "../../protocol/base64.ts";
 * import { writeTar } from "../../protocol/tar_writer.ts";
 * import { checkDefinitionBody } from "./code_checks.ts";
 *
 * const body = new TextEncoder().encode(JSON.stringify({
 *   Name: "hello", Runtime: "python311", MemoryMB: 128, Handler: "hello.handler",
 *   TarFunctionCode: encodeBase64(writeTar([{ name: "hello.py", data: "def handler(p, c): 1" }])),
 * }));
 * const limits = { codeBytes: 1 << 20, defaultTimeout: 60 };
 * const { definition, code } = await checkDefinitionBody(body, limits);
 * console.log(definition.Name, code.files); // "hello" 1
 * ```
 *
 * @module
 */
import type { CodeFile } from "../../protocol/executor.ts";
import type { FunctionDefinition } from "../../protocol/function.ts";
import { encodeExecutorCode, type ExecutorCode } from "../containers/executor.ts";
import { parseJsonBody } from "../validation/json.ts";
import {
  checkStoredDefinition,
  type DefinitionLimits,
  parseDefinition,
} from "./parse_definition.ts";

/** A definition that passed every check, with its code encoded for executors. */
export interface CheckedFunction {
  /** The definition as it is stored. */
  readonly definition: FunctionDefinition;
  /** Its code, ready for `POST /init` (no files for a `custom` function without code). */
  readonly code: ExecutorCode;
}

const decoder = new TextDecoder();

/**
 * Checks the body of `POST /create` or `POST /update`, given as its raw bytes: JSON (at most
 * 256 levels deep), every field, and the code archive.
 *
 * @throws {HttpError} saying what is wrong (400, 404 for the runtime, 413)
 */
export async function checkDefinitionBody(
  body: Uint8Array,
  limits: DefinitionLimits,
): Promise<CheckedFunction> {
  const parsed = await parseDefinition(parseJsonBody(decoder.decode(body)), limits);
  return { definition: parsed.definition, code: encodeFunctionCode(parsed) };
}

/**
 * Checks a stored definition (read from the registry) as `/create` checks one: every field and
 * the code (see `checkStoredDefinition` in `parse_definition.ts`).
 *
 * @throws {HttpError} saying what is wrong
 */
export async function checkStoredFunction(
  stored: unknown,
  limits: DefinitionLimits,
): Promise<CheckedFunction> {
  const { definition, files } = await checkStoredDefinition(stored, limits);
  return { definition, code: encodeFunctionCode({ definition, files }) };
}

/** The code for `POST /init`, and as an archive for a `custom` image of Serverledge's contract. */
function encodeFunctionCode(
  { definition, files }: { definition: { Runtime: string }; files: readonly CodeFile[] },
): ExecutorCode {
  return encodeExecutorCode(files, { archive: definition.Runtime === "custom" });
}

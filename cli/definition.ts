/**
 * The function definition sent by `create` and `update`: their shared options and the
 * `POST /create` / `POST /update` body built from them.
 *
 * @module
 */
import type { FunctionDefinitionBody } from "../protocol/function.ts";
import type { Flags, FlagSpec } from "./args.ts";
import { FUNCTION_FLAG } from "./command.ts";
import { UsageError } from "./errors.ts";
import { parseSignature } from "./signature.ts";
import { packSource } from "./source.ts";

/** Options of `create` and `update` (Serverledge's names; `-cpus` is also read as `-cpu`). */
export const DEFINITION_FLAGS: readonly FlagSpec[] = [
  FUNCTION_FLAG,
  {
    name: "runtime",
    kind: "string",
    value: "runtime",
    help: "runtime, e.g. python310, nodejs17, typescript (deno2) or custom",
    required: true,
  },
  {
    name: "handler",
    kind: "string",
    value: "handler",
    help:
      'handler: "<module>.<function>" for Python, "<file>.js" for Node.js, "<file>.ts" for Deno',
  },
  {
    name: "memory",
    kind: "integer",
    value: "MB",
    help: "memory of the function in MB",
    default: 128,
  },
  {
    name: "cpu",
    aliases: ["cpus"],
    kind: "number",
    value: "cpus",
    help: "CPU demand (1.0 = one core)",
  },
  {
    name: "src",
    kind: "string",
    value: "path",
    help: "code: a file, a folder or a .tar (not needed for runtime custom)",
    complete: "files",
  },
  {
    name: "custom_image",
    kind: "string",
    value: "image",
    help: "Docker image of a function of runtime custom",
  },
  {
    name: "input",
    kind: "list",
    value: "name:Type",
    help: "a declared input of the Signature, e.g. n:Int (Int, Float, Text, Bool, ArrayInt, …)",
  },
  {
    name: "output",
    kind: "list",
    value: "name:Type",
    help: "a declared output of the Signature, e.g. sum:Float",
  },
];

/**
 * The definition body for `POST /create` and `POST /update`, with the code packed from `-src`
 * (a relative path read from `cwd`) and the `Signature` of `-input` and `-output`, if any.
 */
export async function definitionBody(flags: Flags, cwd: string): Promise<FunctionDefinitionBody> {
  const runtime = flags.string("runtime")!;
  const src = flags.string("src");
  if (src === undefined && runtime !== "custom") {
    throw new UsageError(`Option "-src" is required for runtime "${runtime}"`);
  }
  const body: FunctionDefinitionBody = {
    Name: flags.string("function")!,
    Runtime: runtime,
    MemoryMB: flags.number("memory")!,
    Handler: flags.string("handler") ?? "",
    TarFunctionCode: src === undefined ? "" : await packSource(src, cwd),
  };
  if (flags.has("cpu")) body.CPUDemand = flags.number("cpu");
  if (flags.has("custom_image")) body.CustomImage = flags.string("custom_image");
  const signature = parseSignature(flags.list("input"), flags.list("output"));
  if (signature) body.Signature = signature;
  return body;
}

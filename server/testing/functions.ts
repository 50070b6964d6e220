/**
 * Test helpers that turn the files of `examples/` (or a Python source of the test's own) into
 * `POST /create` bodies.
 *
 * @module
 */
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";

const EXAMPLES = new URL("../../examples/", import.meta.url);

/** The runtime of an example file, as a create body names it (an alias) and as it is stored. */
function exampleRuntime(file: string): { alias: string; canonical: string } {
  if (file.endsWith(".py")) return { alias: "python310", canonical: "python311" };
  if (file.endsWith(".ts")) return { alias: "typescript", canonical: "deno2" };
  return { alias: "nodejs17", canonical: "nodejs18" };
}

/** Base64 tar holding `examples/<file>` under its own name (as Serverledge's CLI packs a file). */
export async function exampleCode(file: string): Promise<string> {
  const data = await Deno.readFile(new URL(file, EXAMPLES));
  return encodeBase64(writeTar([{ name: file, data }]));
}

/** Base64 tar of one Python file `main.py` holding `source` (its handler: `main.handler`). */
export function pythonCode(source: string): string {
  return encodeBase64(writeTar([{ name: "main.py", data: new TextEncoder().encode(source) }]));
}

/** A create body for an example file; the handler follows the runtime's convention. */
export async function exampleFunction(
  name: string,
  file: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const python = file.endsWith(".py");
  return {
    Name: name,
    Runtime: exampleRuntime(file).alias,
    MemoryMB: 128,
    Handler: python ? `${file.slice(0, -3)}.handler` : file,
    TarFunctionCode: await exampleCode(file),
    ...extra,
  };
}

/**
 * A definition of an example file as the registry stores it (canonical runtime, every field
 * set, `Version` `v1`), then `changes`: for tests that write definitions to a registry by hand.
 */
export async function storedExample(
  name: string,
  file: string,
  changes: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const created = await exampleFunction(name, file);
  return {
    ...created,
    Runtime: exampleRuntime(file).canonical,
    CPUDemand: 0,
    CustomImage: "",
    MaxConcurrency: 1,
    Timeout: 10,
    Version: "v1",
    ...changes,
  };
}

/**
 * Prepares a freshly started container for a function: waits for its executor, then pushes the
 * function's code over HTTP (`POST /init`), far faster than Docker's archive API.
 *
 * @module
 */
import { initExecutor, waitUntilReady } from "../containers/executor_client.ts";
import { type CodeFile, readCodeArchive } from "../functions/code_archive.ts";
import type { FunctionDefinition } from "../functions/function.ts";
import type { ContainerInitializer } from "../pool/pool.ts";

const unpacked = new WeakMap<FunctionDefinition, Promise<CodeFile[]>>();

/**
 * A {@linkcode ContainerInitializer} whose executors get `readyTimeoutMs` to start. Code is
 * unpacked once per definition (the create request already checked it).
 */
export function codeInitializer(
  readyTimeoutMs: number,
  maxCodeBytes: number,
): ContainerInitializer {
  return async (url, definition) => {
    const files = codeOf(definition, maxCodeBytes);
    await waitUntilReady(url, readyTimeoutMs);
    await initExecutor(url, await files);
  };
}

function codeOf(definition: FunctionDefinition, maxBytes: number): Promise<CodeFile[]> {
  let files = unpacked.get(definition);
  if (!files) {
    files = definition.TarFunctionCode === ""
      ? Promise.resolve([])
      : readCodeArchive(definition.TarFunctionCode, { maxBytes });
    unpacked.set(definition, files);
  }
  return files;
}

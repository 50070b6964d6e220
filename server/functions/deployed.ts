/**
 * A function as this node keeps it once its definition was checked: the definition without
 * its code, and what the pool needs to run it (image, limits, version and the code, unpacked
 * and encoded for executors once by the code checker, so a cold start decodes nothing).
 *
 * @module
 */
import type { FunctionDefinition, FunctionInfo } from "../../protocol/function.ts";
import type { ExecutorCode } from "../containers/executor.ts";
import type { PoolFunction } from "../pool/pool.ts";
import { imageFor } from "../runtimes/catalog.ts";

/** A checked function, ready to run. */
export interface DeployedFunction {
  /** Its definition, without the code. */
  readonly definition: Readonly<FunctionInfo>;
  /** What the pool runs its containers from. */
  readonly pool: PoolFunction;
}

/**
 * Makes a {@linkcode DeployedFunction} of a checked definition and its encoded code.
 *
 * @example
 * ```ts
 * import { encodeExecutorCode } from "../containers/executor.ts";
 * import { deploy } from "./deployed.ts";
 *
 * const fn = deploy({
 *   Name: "hello", Runtime: "python311", MemoryMB: 128, CPUDemand: 0, Handler: "hello.handler",
 *   TarFunctionCode: "", CustomImage: "", MaxConcurrency: 1, Timeout: 60, Version: "v1",
 *   Signature: null,
 * }, encodeExecutorCode([
 *   { path: "hello.py", mode: 0o644, data: new TextEncoder().encode("def handler(p, c): 1") },
 * ]));
 * console.log(fn.pool.image); // "serverledge-python311"
 * ```
 */
export function deploy(definition: FunctionDefinition, code: ExecutorCode): DeployedFunction {
  const { TarFunctionCode: _code, ...info } = definition;
  return {
    definition: Object.freeze(info),
    pool: Object.freeze({
      name: definition.Name,
      version: definition.Version,
      image: imageFor(definition),
      memoryMB: definition.MemoryMB,
      cpus: definition.CPUDemand,
      maxConcurrency: definition.MaxConcurrency,
      code,
    }),
  };
}

/**
 * The function definition as Serverledge stores and sends it (PascalCase JSON fields).
 *
 * @module
 */

/** A function definition, as accepted by `POST /create` and stored in the registry. */
export interface FunctionDefinition {
  /** Unique name, `[A-Za-z0-9_-]`, 1–64 characters. */
  Name: string;
  /** Canonical runtime name (aliases are resolved before storing), e.g. `python311`. */
  Runtime: string;
  /** Memory limit of each container of this function, in MB. */
  MemoryMB: number;
  /** CPUs demanded by one invocation (e.g. 0.5); 0 means no explicit limit. */
  CPUDemand: number;
  /** Python: `module.function`; Node.js: `file.js`; custom: passed to the executor as is. */
  Handler: string;
  /** Base64 of the (validated) tar holding the function code; empty for `custom`. */
  TarFunctionCode: string;
  /** Image for runtime `custom`; empty otherwise. */
  CustomImage: string;
  /** Invocations one container may serve at once (runtimes that support it), default 1. */
  MaxConcurrency: number;
  /** Seconds an invocation may run before its container is killed, default 60. */
  Timeout: number;
  /** Changes on every create/update; containers of an older version are retired. */
  Version: string;
}

/**
 * Function definitions on the wire: what `POST /create` and `POST /update` take, what the
 * registry stores, and what `GET /function?details=true` lists. Field names are Serverledge's
 * (PascalCase).
 *
 * @module
 */

/** A function definition as the registry stores it (every field set, code included). */
export interface FunctionDefinition {
  /** Unique name, `[A-Za-z0-9_-]`, 1–64 characters. */
  Name: string;
  /**
   * Runtime name as the creator gave it, canonical or alias (e.g. `python311`, or Serverledge's
   * `python310`, which Go Serverledge nodes read): nodes resolve the alias where they use it.
   */
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
  /**
   * The function's declared inputs and outputs, as Serverledge's `Signature`; `null` when its
   * creator declared none. Kept for clients, workflows and Go nodes; invokes are not checked
   * against it (Go Serverledge checks none either).
   */
  Signature: FunctionSignature | null;
}

/**
 * Type names of a {@linkcode SignatureEntry}, Go Serverledge's (`internal/function/signature.go`;
 * `Void` is serverledge-faas's, for a function taking or returning nothing).
 */
export const SIGNATURE_TYPES = [
  "Int",
  "Float",
  "Text",
  "Bool",
  "ArrayInt",
  "ArrayFloat",
  "ArrayBool",
  "ArrayText",
  "ArrayArrayInt",
  "ArrayArrayFloat",
  "Void",
] as const;

/** One of {@linkcode SIGNATURE_TYPES}. */
export type SignatureType = typeof SIGNATURE_TYPES[number];

/** One declared input or output: the key in `Params` (or in the result) and its type. */
export interface SignatureEntry {
  /** Key of the parameter or of the result field. */
  Name: string;
  /** Its type. */
  Type: SignatureType;
}

/** Serverledge's `Signature`: what a function takes and returns. */
export interface FunctionSignature {
  /** Declared parameters (empty: none declared). */
  Inputs: SignatureEntry[];
  /** Declared result fields (empty: none declared). */
  Outputs: SignatureEntry[];
}

/** The body of `POST /create` and `POST /update`: optional fields take the node's defaults. */
export type FunctionDefinitionBody =
  & Pick<FunctionDefinition, "Name" | "Runtime" | "MemoryMB" | "Handler" | "TarFunctionCode">
  & Partial<
    Pick<
      FunctionDefinition,
      "CPUDemand" | "CustomImage" | "MaxConcurrency" | "Timeout" | "Signature"
    >
  >;

/** A definition as `GET /function?details=true` lists it: everything but the code. */
export type FunctionInfo = Omit<FunctionDefinition, "TarFunctionCode">;

/** What `POST /create` answers. */
export interface CreatedAnswer {
  /** Name of the new function. */
  Created: string;
  /** The canonical name of the runtime that runs it (the definition keeps the name given). */
  Runtime: string;
}

/** What `POST /update` answers. */
export interface UpdatedAnswer {
  /** Name of the replaced function. */
  Updated: string;
  /** The canonical name of the runtime that runs it (the definition keeps the name given). */
  Runtime: string;
}

/** What `POST /delete` answers. */
export interface DeletedAnswer {
  /** Name of the removed function. */
  Deleted: string;
}

/** What `POST /prewarm` answers. */
export interface PrewarmedAnswer {
  /** Containers started. */
  Prewarmed: number;
}

/** One runtime of `GET /runtimes`. */
export interface RuntimeInfo {
  /** Canonical name, e.g. `python311`. */
  Name: string;
  /** Other accepted names. */
  Aliases: string[];
  /** Language and version, e.g. `Python 3.11`. */
  Language: string;
  /** How a handler is written. */
  HandlerFormat: string;
  /** Whether a container may serve several requests at once. */
  Concurrent: boolean;
}

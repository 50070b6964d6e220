/**
 * The function definitions part of the registry.
 *
 * @module
 */
import type { FunctionDefinition } from "../../protocol/function.ts";

/** A change to the stored function definitions, as seen by {@linkcode FunctionRegistry.watch}. */
export type FunctionEvent =
  | { type: "put"; definition: FunctionDefinition }
  | { type: "delete"; name: string };

/**
 * Stored function definitions, by name. Every method may throw `UnavailableError` (nothing was
 * changed); a write may also throw `OutcomeUnknownError` when the backend did not answer in
 * time and it cannot tell whether the write was applied.
 */
export interface FunctionRegistry {
  /** Stores a new definition; resolves `false` (and stores nothing) when the name exists. */
  create(definition: FunctionDefinition): Promise<boolean>;
  /** Replaces an existing definition; resolves `false` when there is none. */
  update(definition: FunctionDefinition): Promise<boolean>;
  /** Removes a definition; resolves `false` when there was none. */
  delete(name: string): Promise<boolean>;
  /** Every stored definition. */
  list(): Promise<FunctionDefinition[]>;
  /**
   * Calls `onEvent` for every change made after this call, by this node or any other.
   * Returns a function that stops watching.
   */
  watch(onEvent: (event: FunctionEvent) => void): () => void;
}

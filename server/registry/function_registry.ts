/**
 * The function definitions part of the registry.
 *
 * @module
 */
import type { FunctionDefinition } from "../../protocol/function.ts";

/**
 * A definition as read from the registry, before the function store checked it: any node may
 * have written it (a Go Serverledge node writes no `Timeout`, `MaxConcurrency` or `Version`),
 * or a hand, so only a string `Name` is sure; the other fields may be missing or of any type.
 */
export type StoredDefinition =
  & Pick<FunctionDefinition, "Name">
  & { [Field in Exclude<keyof FunctionDefinition, "Name">]?: unknown };

/** A change to the stored function definitions, as seen by {@linkcode FunctionRegistry.watch}. */
export type FunctionEvent =
  | { type: "put"; definition: StoredDefinition }
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
  /** Every stored definition, as read (see {@linkcode StoredDefinition}). */
  list(): Promise<StoredDefinition[]>;
  /**
   * Calls `onEvent` for every change made after this call, by this node or any other.
   * Returns a function that stops watching.
   */
  watch(onEvent: (event: FunctionEvent) => void): () => void;
}

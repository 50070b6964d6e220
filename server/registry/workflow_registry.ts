/**
 * The workflow definitions part of the registry.
 *
 * @module
 */
import type { WorkflowRecord } from "../../protocol/workflow.ts";

/** A change to the stored workflows, as seen by {@linkcode WorkflowRegistry.watch}. */
export type WorkflowEvent =
  | { type: "put"; record: WorkflowRecord }
  | { type: "delete"; name: string };

/**
 * Stored workflow definitions, by name. Every method may throw `UnavailableError` (nothing was
 * changed).
 */
export interface WorkflowRegistry {
  /**
   * Stores `record`; unless `overwrite`, resolves `false` (and stores nothing) when the name
   * exists. The stored version is one more than the replaced one's (1 for a new name): the
   * record stored is resolved.
   */
  put(record: Omit<WorkflowRecord, "Version">, overwrite: boolean): Promise<WorkflowRecord | false>;
  /** Removes a workflow; resolves `false` when there was none. */
  delete(name: string): Promise<boolean>;
  /** Every stored workflow, ordered by name. */
  list(): Promise<WorkflowRecord[]>;
  /**
   * Calls `onEvent` for every change made after this call, by this node or (etcd) any other.
   * Returns a function that stops watching.
   */
  watch(onEvent: (event: WorkflowEvent) => void): () => void;
}

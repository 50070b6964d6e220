/**
 * The durable workflow runs part of the registry: the state of each async workflow run, so a
 * node that restarts resumes the runs it owned.
 *
 * @module
 */
import type { WorkflowRunState } from "../../protocol/workflow.ts";

/** Async workflow runs by request id, each expiring after its TTL. Methods may throw `UnavailableError`. */
export interface WorkflowRunStore {
  /**
   * Stores `run` under `run.ReqId`, expiring after `ttlSeconds`.
   *
   * @throws {RangeError} when `ttlSeconds` is not a positive number
   */
  put(run: WorkflowRunState, ttlSeconds: number): Promise<void>;
  /** Removes the run of `reqId` (it finished). */
  delete(reqId: string): Promise<void>;
  /** The unfinished runs owned by `node`. */
  listOwned(node: string): Promise<WorkflowRunState[]>;
}

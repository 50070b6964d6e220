/**
 * Durable workflow runs in the embedded registry: each under `["workflow_runs", reqId]` with
 * its expiry.
 *
 * @module
 */
import type { WorkflowRunState } from "../../../protocol/workflow.ts";
import { checkTtl } from "../ttl.ts";
import type { WorkflowRunStore } from "../workflow_run_store.ts";
import type { KvFile } from "./kv_file.ts";

const RUNS = "workflow_runs";

/**
 * {@linkcode WorkflowRunStore} on Deno KV (the node's KV file, so a run survives a restart).
 *
 * @example
 * ```ts
 * import { EmbeddedWorkflowRunStore } from "./workflow_runs.ts";
 * import { KvFile } from "./kv_file.ts";
 *
 * const file = await KvFile.open(await Deno.makeTempDir());
 * const runs = new EmbeddedWorkflowRunStore(file);
 * console.log(await runs.listOwned("n1")); // []
 * file.close();
 * ```
 */
export class EmbeddedWorkflowRunStore implements WorkflowRunStore {
  #file: KvFile;

  /** @param file where runs are stored */
  constructor(file: KvFile) {
    this.#file = file;
  }

  /** Stores `run`, expiring after `ttlSeconds`. */
  async put(run: WorkflowRunState, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds, "Workflow run");
    return await this.#file.run(async () => {
      await this.#file.kv.set([RUNS, run.ReqId], run, { expireIn: Math.ceil(ttlSeconds * 1000) });
    });
  }

  /** Removes the run of `reqId`. */
  delete(reqId: string): Promise<void> {
    return this.#file.run(() => this.#file.kv.delete([RUNS, reqId]));
  }

  /** The stored runs of `node`. */
  listOwned(node: string): Promise<WorkflowRunState[]> {
    return this.#file.run(async () => {
      const runs: WorkflowRunState[] = [];
      for await (const { value } of this.#file.kv.list<WorkflowRunState>({ prefix: [RUNS] })) {
        if (value.Node === node) runs.push(value);
      }
      return runs;
    });
  }
}

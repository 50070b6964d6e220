/**
 * Durable workflow runs in etcd: the JSON of each under `/workflow-run/<reqId>`, under a lease
 * of the async TTL.
 *
 * @module
 */
import type { WorkflowRunState } from "../../../protocol/workflow.ts";
import { checkTtl } from "../ttl.ts";
import type { WorkflowRunStore } from "../workflow_run_store.ts";
import type { EtcdConnection } from "./connection.ts";
import { parseJsonObject } from "./json_object.ts";
import { keyUnder, WORKFLOW_RUN_PREFIX } from "./key_prefixes.ts";

/**
 * {@linkcode WorkflowRunStore} on etcd: each put grants a lease of the TTL.
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 * import { EtcdWorkflowRunStore } from "./workflow_runs.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * console.log(await new EtcdWorkflowRunStore(connection).listOwned("n1"));
 * connection.close();
 * ```
 */
export class EtcdWorkflowRunStore implements WorkflowRunStore {
  #connection: EtcdConnection;

  /** @param connection where runs are stored */
  constructor(connection: EtcdConnection) {
    this.#connection = connection;
  }

  /** Stores `run` under a lease of `ttlSeconds` (whole seconds). */
  async put(run: WorkflowRunState, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds, "Workflow run");
    const { client } = this.#connection;
    const lease = await this.#connection.grantLease(ttlSeconds);
    const put = client.put(_runKey(run.ReqId)).value(JSON.stringify(run)).lease(lease);
    await this.#connection.call(() => put.exec());
  }

  /** Removes the run of `reqId`. */
  async delete(reqId: string): Promise<void> {
    const remove = this.#connection.client.delete().key(_runKey(reqId));
    await this.#connection.call(() => remove.exec());
  }

  /** The stored runs of `node` (a scan of `/workflow-run/`). */
  async listOwned(node: string): Promise<WorkflowRunState[]> {
    const range = this.#connection.client.getAll().prefix(WORKFLOW_RUN_PREFIX);
    const result = await this.#connection.call(() => range.exec());
    return result.kvs.flatMap((kv) => {
      const run = parseJsonObject(kv.value.toString());
      return run?.Node === node && typeof run.ReqId === "string"
        ? [run as unknown as WorkflowRunState]
        : [];
    });
  }
}

function _runKey(reqId: string): string {
  return keyUnder(WORKFLOW_RUN_PREFIX, reqId, "Request id");
}

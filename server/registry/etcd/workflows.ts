/**
 * Workflow definitions in etcd: the JSON of each record under `/workflow/<name>`, the key
 * Serverledge's upstream uses for workflows.
 *
 * @module
 */
import type { IKeyValue } from "etcd3";
import type { WorkflowRecord } from "../../../protocol/workflow.ts";
import type { WorkflowEvent, WorkflowRegistry } from "../workflow_registry.ts";
import type { EtcdConnection } from "./connection.ts";
import { parseJsonObject } from "./json_object.ts";
import { keyUnder, WORKFLOW_PREFIX } from "./key_prefixes.ts";
import type { PrefixWatches } from "./prefix_watch.ts";

/**
 * {@linkcode WorkflowRegistry} on etcd: each put is a transaction on the key's modification
 * revision as it was read, so two nodes creating one name cannot both succeed, and versions
 * never repeat.
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 * import { EtcdWorkflowRegistry } from "./workflows.ts";
 * import { PrefixWatches } from "./prefix_watch.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * const workflows = new EtcdWorkflowRegistry(connection, new PrefixWatches(connection));
 * console.log(await workflows.list());
 * connection.close();
 * ```
 */
export class EtcdWorkflowRegistry implements WorkflowRegistry {
  #connection: EtcdConnection;
  #watches: PrefixWatches;

  /**
   * @param connection where workflows are stored
   * @param watches where {@linkcode EtcdWorkflowRegistry.watch} starts its watches
   */
  constructor(connection: EtcdConnection, watches: PrefixWatches) {
    this.#connection = connection;
    this.#watches = watches;
  }

  /** Stores `record` (version one more than the replaced one), unless it exists and not `overwrite`. */
  async put(
    record: Omit<WorkflowRecord, "Version">,
    overwrite: boolean,
  ): Promise<WorkflowRecord | false> {
    const key = keyUnder(WORKFLOW_PREFIX, record.Name, "Workflow name");
    const { client } = this.#connection;
    for (;;) {
      const read = await this.#connection.call(() => client.get(key).exec());
      const old = read.kvs[0];
      if (old && !overwrite) return false;
      const previous = old ? _parseRecord(old.value.toString()) : undefined;
      const next = { ...record, Version: (previous?.Version ?? 0) + 1 };
      const result = await this.#connection.call(() =>
        client.if(key, "Mod", "==", old ? Number(old.mod_revision) : 0)
          .then(client.put(key).value(JSON.stringify(next)))
          .commit()
      );
      if (result.succeeded) return next;
    }
  }

  /** Removes the workflow named `name`, if any. */
  async delete(name: string): Promise<boolean> {
    const key = keyUnder(WORKFLOW_PREFIX, name, "Workflow name");
    const result = await this.#connection.call(() =>
      this.#connection.client.delete().key(key).exec()
    );
    return Number(result.deleted) > 0;
  }

  /** Every stored workflow, ordered by name; values that are not records are skipped. */
  async list(): Promise<WorkflowRecord[]> {
    const range = this.#connection.client.getAll().prefix(WORKFLOW_PREFIX).sort("Key", "Ascend");
    const result = await this.#connection.call(() => range.exec());
    return result.kvs.flatMap((kv) => _parseRecord(kv.value.toString()) ?? []);
  }

  /** Calls `onEvent`, asynchronously and in order, for every change to `/workflow/` by any node. */
  watch(onEvent: (event: WorkflowEvent) => void): () => void {
    return this.#watches.start(WORKFLOW_PREFIX, "Workflow", _workflowEvent, onEvent);
  }
}

function _workflowEvent(type: "put" | "delete", kv: IKeyValue): WorkflowEvent | undefined {
  if (type === "delete") return { type, name: kv.key.toString().slice(WORKFLOW_PREFIX.length) };
  const record = _parseRecord(kv.value.toString());
  return record ? { type, record } : undefined;
}

function _parseRecord(json: string): WorkflowRecord | undefined {
  const value = parseJsonObject(json);
  return typeof value?.Name === "string" && typeof value.Definition === "string"
    ? value as unknown as WorkflowRecord
    : undefined;
}

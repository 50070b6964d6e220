/**
 * Workflow definitions in the embedded registry: each record under `["workflows", name]`.
 *
 * @module
 */
import type { WorkflowRecord } from "../../../protocol/workflow.ts";
import { Listeners } from "../listeners.ts";
import type { WorkflowEvent, WorkflowRegistry } from "../workflow_registry.ts";
import type { KvFile } from "./kv_file.ts";

const WORKFLOWS = "workflows";

/**
 * {@linkcode WorkflowRegistry} on Deno KV. Each write is one atomic operation checked against
 * the versionstamp it read, so two creates of one name cannot both succeed. Watchers see the
 * changes made through this instance, before the changing call resolves.
 *
 * @example
 * ```ts
 * import { EmbeddedWorkflowRegistry } from "./workflows.ts";
 * import { KvFile } from "./kv_file.ts";
 *
 * const file = await KvFile.open(await Deno.makeTempDir());
 * const workflows = new EmbeddedWorkflowRegistry(file);
 * await workflows.put({ Name: "w", Definition: "{}" }, false);
 * console.log((await workflows.list())[0].Version); // 1
 * file.close();
 * ```
 */
export class EmbeddedWorkflowRegistry implements WorkflowRegistry {
  #file: KvFile;
  #listeners = new Listeners<WorkflowEvent>("Workflow");

  /** @param file where workflows are stored */
  constructor(file: KvFile) {
    this.#file = file;
  }

  /** Stores `record` (version one more than the replaced one), unless it exists and not `overwrite`. */
  async put(
    record: Omit<WorkflowRecord, "Version">,
    overwrite: boolean,
  ): Promise<WorkflowRecord | false> {
    const key = [WORKFLOWS, record.Name];
    const kv = this.#file.kv;
    const stored = await this.#file.run(async () => {
      const old = await kv.get<WorkflowRecord>(key);
      if (old.value !== null && !overwrite) return false;
      const next = { ...record, Version: (old.value?.Version ?? 0) + 1 };
      const result = await kv.atomic().check(old).set(key, next).commit();
      return result.ok ? next : undefined;
    });
    if (stored === undefined) return this.put(record, overwrite);
    if (stored) this.#listeners.emit({ type: "put", record: stored });
    return stored;
  }

  /** Removes the workflow named `name`, if any. */
  async delete(name: string): Promise<boolean> {
    const key = [WORKFLOWS, name];
    const kv = this.#file.kv;
    const existed = await this.#file.run(async () => {
      const old = await kv.get(key);
      if (old.value === null) return false;
      await kv.delete(key);
      return true;
    });
    if (existed) this.#listeners.emit({ type: "delete", name });
    return existed;
  }

  /** Every stored workflow, ordered by name. */
  list(): Promise<WorkflowRecord[]> {
    return this.#file.run(async () => {
      const records: WorkflowRecord[] = [];
      const entries = this.#file.kv.list<WorkflowRecord>({ prefix: [WORKFLOWS] });
      for await (const { value } of entries) records.push(value);
      return records;
    });
  }

  /** Calls `onEvent` for every later change made through this instance. */
  watch(onEvent: (event: WorkflowEvent) => void): () => void {
    return this.#listeners.add(onEvent);
  }

  /** Stops every watcher. */
  stopWatches(): void {
    this.#listeners.clear();
  }
}

/**
 * The workflow store: workflow records cached in the node with their parsed machines, kept
 * fresh from the registry (every node of a deployment sees the workflows any node creates).
 *
 * @module
 */
import type { StateMachine } from "../../asl/mod.ts";
import type { WorkflowRecord } from "../../protocol/workflow.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { Registry } from "../registry/registry.ts";
import type { WorkflowEvent } from "../registry/workflow_registry.ts";
import { type CheckedWorkflow, parseMachine } from "./definition.ts";

/** A stored workflow, ready to run. */
export interface DeployedWorkflow {
  /** The record as stored. */
  readonly record: WorkflowRecord;
  /** Its parsed machine. */
  readonly machine: StateMachine;
}

/** Cached, watched view of the registry's workflows. */
export class WorkflowStore {
  readonly #registry: Registry;
  readonly #cache = new Map<string, DeployedWorkflow>();
  readonly #log: (line: string) => void;
  #stopWatch: () => void = () => {};

  private constructor(registry: Registry, log: (line: string) => void) {
    this.#registry = registry;
    this.#log = log;
  }

  /** Loads every workflow and starts watching the registry for changes by any node. */
  static async open(
    registry: Registry,
    log: (line: string) => void = console.log,
  ): Promise<WorkflowStore> {
    const store = new WorkflowStore(registry, log);
    store.#stopWatch = registry.workflows.watch((event) => store.#fromRegistry(event));
    for (const record of await registry.workflows.list()) {
      store.#fromRegistry({ type: "put", record });
    }
    return store;
  }

  /** The workflow named `name`; `NotFoundError` when there is none. */
  require(name: string): DeployedWorkflow {
    const workflow = this.#cache.get(name);
    if (!workflow) throw new NotFoundError(`Workflow "${name}" does not exist`);
    return workflow;
  }

  /** The workflow named `name`, if any. */
  get(name: string): DeployedWorkflow | undefined {
    return this.#cache.get(name);
  }

  /** Every workflow record, sorted by name. */
  list(): WorkflowRecord[] {
    return [...this.#cache.values()].map((w) => w.record)
      .sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** Stores a checked workflow; `ConflictError` when the name is taken and not overwritten. */
  async create(checked: CheckedWorkflow): Promise<WorkflowRecord> {
    const record = await this.#registry.workflows.put(
      { Name: checked.name, Definition: checked.definition },
      checked.overwrite,
    );
    if (!record) {
      throw new ConflictError(
        `Workflow "${checked.name}" already exists (set "OverwriteIfExists" to replace it)`,
      );
    }
    this.#keepNewer({ record, machine: checked.machine });
    return record;
  }

  /** Removes a workflow; `NotFoundError` when there is none. */
  async delete(name: string): Promise<void> {
    if (!await this.#registry.workflows.delete(name)) {
      throw new NotFoundError(`Workflow "${name}" does not exist`);
    }
    this.#cache.delete(name);
  }

  /** Stops watching the registry. */
  close(): void {
    this.#stopWatch();
  }

  #fromRegistry(event: WorkflowEvent): void {
    if (event.type === "delete") {
      this.#cache.delete(event.name);
      return;
    }
    try {
      this.#keepNewer({ record: event.record, machine: parseMachine(event.record.Definition) });
    } catch (error) {
      this.#log(`Workflow "${event.record.Name}" in the registry is not served: ${error}`);
    }
  }

  /** Caches `workflow` unless a newer version of it is cached already. */
  #keepNewer(workflow: DeployedWorkflow): void {
    const cached = this.#cache.get(workflow.record.Name);
    if (cached && cached.record.Version > workflow.record.Version) return;
    this.#cache.set(workflow.record.Name, workflow);
  }
}

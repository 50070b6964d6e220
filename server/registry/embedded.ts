/**
 * The embedded registry: a Deno KV file under the node's data dir. Single node, nothing to
 * install, survives restarts. Needs `--unstable-kv` (or `"unstable": ["kv"]` in deno.json).
 * Each part lives in `embedded/`, on one {@linkcode KvFile}.
 *
 * @module
 */
import { EmbeddedAsyncReportStore } from "./embedded/async_reports.ts";
import { EmbeddedFunctionRegistry } from "./embedded/functions.ts";
import { KvFile } from "./embedded/kv_file.ts";
import { EmbeddedMembershipRegistry } from "./embedded/membership.ts";
import { EmbeddedWorkflowRunStore } from "./embedded/workflow_runs.ts";
import { EmbeddedWorkflowRegistry } from "./embedded/workflows.ts";
import type { Registry } from "./registry.ts";

/**
 * {@linkcode Registry} on Deno KV, opened from `registry.kv` in a directory.
 *
 * Function code is split into chunks (a KV value holds at most 64 KiB); chunks left behind by
 * a crash are removed when the file is opened. Watchers see the changes made through this
 * instance, synchronously, before the changing call resolves. Other processes opening the
 * same file are not watched: use etcd for that. Node membership is held in memory only: the
 * one node registers itself, nothing expires.
 *
 * @example
 * ```ts
 * import { EmbeddedRegistry } from "./embedded.ts";
 *
 * await using registry = await EmbeddedRegistry.open(".data");
 * const stop = registry.functions.watch((event) => console.log(event.type));
 * console.log(await registry.functions.list());
 * stop();
 * ```
 */
export class EmbeddedRegistry implements Registry, AsyncDisposable {
  /** Always `embedded`. */
  readonly kind = "embedded";
  /** Function definitions, their code in chunks. */
  readonly functions: EmbeddedFunctionRegistry;
  /** Workflow definitions. */
  readonly workflows: EmbeddedWorkflowRegistry;
  /** Durable async workflow runs. */
  readonly workflowRuns: EmbeddedWorkflowRunStore;
  /** Async entries with their expiry. */
  readonly async: EmbeddedAsyncReportStore;
  /** The registered nodes, in memory. */
  readonly nodes: EmbeddedMembershipRegistry;
  #file: KvFile;

  private constructor(file: KvFile) {
    this.#file = file;
    this.functions = new EmbeddedFunctionRegistry(file);
    this.workflows = new EmbeddedWorkflowRegistry(file);
    this.workflowRuns = new EmbeddedWorkflowRunStore(file);
    this.async = new EmbeddedAsyncReportStore(file);
    this.nodes = new EmbeddedMembershipRegistry();
  }

  /**
   * Opens (creating it and `dir` when needed) the registry file `registry.kv` in `dir`.
   *
   * @throws {UnavailableError} when the directory or the file cannot be opened
   */
  static async open(dir: string): Promise<EmbeddedRegistry> {
    const registry = new EmbeddedRegistry(await KvFile.open(dir));
    try {
      await registry.functions.removeOrphanCode();
    } catch (error) {
      await registry.close();
      throw error;
    }
    return registry;
  }

  /** Path of the KV file. */
  get path(): string {
    return this.#file.path;
  }

  /** Stops every watcher, forgets the registered nodes and closes the file. */
  close(): Promise<void> {
    this.functions.stopWatches();
    this.workflows.stopWatches();
    this.nodes.clear();
    this.#file.close();
    return Promise.resolve();
  }

  /** Same as {@linkcode EmbeddedRegistry.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

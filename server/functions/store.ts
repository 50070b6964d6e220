/**
 * The function store: definitions cached in the node and kept fresh from the registry, so the
 * invoke path never waits on the registry. Each function is checked once, by the code
 * checker's worker, when it reaches the store (from a create here, or from the registry when
 * another node or a hand wrote it: every field and the code, as `/create` checks them), and its
 * code kept ready for executors. A definition in the registry that fails the checks is not
 * served.
 *
 * @module
 */
import type { FunctionDefinition, FunctionInfo } from "../../protocol/function.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { FunctionEvent } from "../registry/function_registry.ts";
import type { Registry } from "../registry/registry.ts";
import type { CodeChecker } from "./code_checker.ts";
import type { CheckedFunction } from "./code_checks.ts";
import { deploy, type DeployedFunction } from "./deployed.ts";
import type { DefinitionLimits } from "./parse_definition.ts";

/** Called after the cached definition of a function changed or disappeared. */
export type FunctionChangeListener = (
  name: string,
  current: DeployedFunction | undefined,
) => void;

/** Options of {@linkcode FunctionStore.open}. */
export interface FunctionStoreOptions {
  /** What definitions read from the registry are checked against (as `/create` checks). */
  limits: DefinitionLimits;
  /** Checks definitions read from the registry, off the main thread. */
  checker: CodeChecker;
  /** Told about definitions in the registry that fail the checks (they are not served). */
  log?: (line: string) => void;
}

/** Cached, watched view of the registry's function definitions. */
export class FunctionStore {
  readonly #registry: Registry;
  readonly #options: FunctionStoreOptions;
  readonly #cache = new Map<string, DeployedFunction>();
  /** Why the definitions in the registry that failed the checks are not served, by name. */
  readonly #invalid = new Map<string, string>();
  readonly #listeners: FunctionChangeListener[] = [];
  /** Versions this node is writing: their registry events are not checked again. */
  readonly #writing = new Set<string>();
  /** Registry events are checked one after the other, in the order they came. */
  #events: Promise<void> = Promise.resolve();
  #stopWatch: () => void = () => {};

  private constructor(registry: Registry, options: FunctionStoreOptions) {
    this.#registry = registry;
    this.#options = options;
  }

  /** Loads every definition and starts watching the registry for changes by any node. */
  static async open(registry: Registry, options: FunctionStoreOptions): Promise<FunctionStore> {
    const store = new FunctionStore(registry, options);
    store.#stopWatch = registry.functions.watch((event) => {
      store.#events = store.#events.then(() => store.#fromRegistry(event));
    });
    for (const definition of await registry.functions.list()) {
      await store.#fromRegistry({ type: "put", definition });
    }
    return store;
  }

  /** Registers a listener for changes (local or from other nodes). */
  onChange(listener: FunctionChangeListener): void {
    this.#listeners.push(listener);
  }

  /** The function named `name`, ready to run. */
  get(name: string): DeployedFunction | undefined {
    return this.#cache.get(name);
  }

  /**
   * The function named `name`, ready to run; `NotFoundError` when there is none, saying why
   * when its definition in the registry failed the checks.
   */
  require(name: string): DeployedFunction {
    const fn = this.#cache.get(name);
    if (fn) return fn;
    const invalid = this.#invalid.get(name);
    if (invalid === undefined) throw new NotFoundError(`Function "${name}" does not exist`);
    throw new NotFoundError(
      `Function "${name}" is not served, as its stored definition is invalid (${invalid}): ` +
        "replace it with POST /update or remove it with POST /delete",
    );
  }

  /** Every cached definition (without code), sorted by name. */
  list(): FunctionInfo[] {
    return [...this.#cache.values()].map((f) => f.definition)
      .sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** Stores a new function; `ConflictError` when the name is taken. */
  async create({ definition, code }: CheckedFunction): Promise<void> {
    if (!await this.#writeOwn(definition, () => this.#registry.functions.create(definition))) {
      throw new ConflictError(`Function "${definition.Name}" already exists`);
    }
    this.#put(deploy(definition, code));
  }

  /** Replaces a function; `NotFoundError` when there is none. */
  async update({ definition, code }: CheckedFunction): Promise<void> {
    if (!await this.#writeOwn(definition, () => this.#registry.functions.update(definition))) {
      throw new NotFoundError(`Function "${definition.Name}" does not exist`);
    }
    this.#put(deploy(definition, code));
  }

  /** Removes a function; `NotFoundError` when there is none. */
  async delete(name: string): Promise<void> {
    if (!await this.#registry.functions.delete(name)) {
      throw new NotFoundError(`Function "${name}" does not exist`);
    }
    this.#remove(name);
  }

  /** Stops watching the registry. */
  close(): void {
    this.#stopWatch();
  }

  /** Writes a definition checked here; its own registry event is not checked again. */
  async #writeOwn(definition: FunctionDefinition, write: () => Promise<boolean>): Promise<boolean> {
    this.#writing.add(definition.Version);
    try {
      return await write();
    } finally {
      this.#writing.delete(definition.Version);
    }
  }

  /**
   * Applies a registry event; a definition is checked, as `/create` checks one, unless this
   * version is cached already or being written by this node.
   */
  async #fromRegistry(event: FunctionEvent): Promise<void> {
    if (event.type === "delete") return this.#remove(event.name);
    const { definition } = event;
    const version = definition.Version; // none in a Go node's definition: checked every time
    if (typeof version === "string" && this.#writing.has(version)) return;
    const cached = this.#cache.get(definition.Name);
    if (cached && cached.definition.Version === version) return;
    let checked: CheckedFunction;
    try {
      checked = await this.#options.checker.checkStored(definition, this.#options.limits);
    } catch (error) {
      const reason = (error as Error).message;
      this.#options.log?.(`Not serving function "${definition.Name}" from the registry: ${reason}`);
      this.#remove(definition.Name);
      this.#invalid.set(definition.Name, reason);
      return;
    }
    this.#put(deploy(checked.definition, checked.code));
  }

  #put(deployed: DeployedFunction): void {
    const { Name, Version } = deployed.definition;
    this.#invalid.delete(Name);
    if (this.#cache.get(Name)?.definition.Version === Version) return;
    this.#cache.set(Name, deployed);
    this.#changed(Name);
  }

  #remove(name: string): void {
    this.#invalid.delete(name);
    if (this.#cache.delete(name)) this.#changed(name);
  }

  #changed(name: string): void {
    const current = this.#cache.get(name);
    for (const listener of this.#listeners) listener(name, current);
  }
}

/**
 * The function store: definitions cached in the node and kept fresh from the registry, so the
 * invoke path never waits on the registry.
 *
 * @module
 */
import { ConflictError, NotFoundError } from "../errors.ts";
import type { FunctionEvent } from "../registry/function_registry.ts";
import type { Registry } from "../registry/registry.ts";
import type { FunctionDefinition } from "./function.ts";

/** Called after the cached definition of a function changed or disappeared. */
export type FunctionChangeListener = (
  name: string,
  current: FunctionDefinition | undefined,
) => void;

/** Cached, watched view of the registry's function definitions. */
export class FunctionStore {
  readonly #registry: Registry;
  readonly #cache = new Map<string, FunctionDefinition>();
  readonly #listeners: FunctionChangeListener[] = [];
  #stopWatch: () => void = () => {};

  private constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** Loads every definition and starts watching the registry for changes by any node. */
  static async open(registry: Registry): Promise<FunctionStore> {
    const store = new FunctionStore(registry);
    store.#stopWatch = registry.functions.watch((event) => store.#apply(event));
    for (const definition of await registry.functions.list()) {
      store.#cache.set(definition.Name, definition);
    }
    return store;
  }

  /** Registers a listener for changes (local or from other nodes). */
  onChange(listener: FunctionChangeListener): void {
    this.#listeners.push(listener);
  }

  /** The cached definition of `name`. */
  get(name: string): FunctionDefinition | undefined {
    return this.#cache.get(name);
  }

  /** Every cached definition, sorted by name. */
  list(): FunctionDefinition[] {
    return [...this.#cache.values()].sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** Stores a new function; `ConflictError` when the name is taken. */
  async create(definition: FunctionDefinition): Promise<void> {
    if (!await this.#registry.functions.create(definition)) {
      throw new ConflictError(`Function "${definition.Name}" already exists`);
    }
    this.#apply({ type: "put", definition });
  }

  /** Replaces a function; `NotFoundError` when there is none. */
  async update(definition: FunctionDefinition): Promise<void> {
    if (!await this.#registry.functions.update(definition)) {
      throw new NotFoundError(`Function "${definition.Name}" does not exist`);
    }
    this.#apply({ type: "put", definition });
  }

  /** Removes a function; `NotFoundError` when there is none. */
  async delete(name: string): Promise<void> {
    if (!await this.#registry.functions.delete(name)) {
      throw new NotFoundError(`Function "${name}" does not exist`);
    }
    this.#apply({ type: "delete", name });
  }

  /** Stops watching the registry. */
  close(): void {
    this.#stopWatch();
  }

  #apply(event: FunctionEvent): void {
    const name = event.type === "put" ? event.definition.Name : event.name;
    const before = this.#cache.get(name);
    if (event.type === "put") {
      if (before?.Version === event.definition.Version) return;
      this.#cache.set(name, event.definition);
    } else {
      if (!before) return;
      this.#cache.delete(name);
    }
    const current = this.#cache.get(name);
    for (const listener of this.#listeners) listener(name, current);
  }
}

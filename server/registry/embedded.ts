/**
 * The embedded registry: a Deno KV file under the node's data dir. Single node, nothing to
 * install, survives restarts. Needs `--unstable-kv` (or `"unstable": ["kv"]` in deno.json).
 *
 * @module
 */
import { join } from "node:path";
import type { FunctionDefinition } from "../../protocol/function.ts";
import { UnavailableError } from "../errors.ts";
import { checkNodeRecord, checkTtl } from "./checks.ts";
import type { AsyncEntry, FunctionEvent, NodeEvent, NodeRecord, Registry } from "./registry.ts";

/** Name of the KV file inside the data dir given to {@linkcode EmbeddedRegistry.open}. */
export const EMBEDDED_REGISTRY_FILE = "registry.kv";

/** Characters of function code per KV value (a KV value holds at most 64 KiB). */
const CHUNK_CHARS = 60_000;
/** Code chunks written per atomic operation (an operation holds at most 800 KiB). */
const CHUNKS_PER_COMMIT = 10;
/** Attempts of an update or delete that races with another change of the same function. */
const MAX_ATTEMPTS = 10;

const FUNCTIONS = "functions";
const CODE = "function_code";
const ASYNC = "async";

/** What is stored under `[FUNCTIONS, name]`: the definition without its code. */
type _Head = Omit<FunctionDefinition, "TarFunctionCode"> & {
  /** Identifies this version's code chunks, under `[CODE, name, CodeId, i]`. */
  CodeId: string;
  /** Number of code chunks. */
  CodeChunks: number;
};

/** What is stored under `[ASYNC, reqId]`. */
type _StoredAsync = { entry: AsyncEntry; expiresAt: number };

/**
 * {@linkcode Registry} on Deno KV, opened from `registry.kv` in a directory.
 *
 * Function code is split into chunks (a KV value holds at most 64 KiB) written together with
 * the definition in one atomic operation when it fits (up to ~600 KB of base64), else before
 * it; chunks left behind by a crash are removed when the file is opened.
 *
 * Watchers see the changes made through this instance, synchronously, before the changing
 * call resolves. Other processes opening the same file are not watched: use etcd for that.
 * Node membership is held in memory only: the one node registers itself, nothing expires.
 *
 * @example
 * ```ts
 * import { EmbeddedRegistry } from "./embedded.ts";
 *
 * await using registry = await EmbeddedRegistry.open(".data");
 * const stop = registry.watchFunctions((event) => console.log(event.type));
 * console.log(await registry.listFunctions());
 * stop();
 * ```
 */
export class EmbeddedRegistry implements Registry, AsyncDisposable {
  /** Always `embedded`. */
  readonly kind = "embedded";
  /** Path of the KV file. */
  readonly path: string;
  #kv: Deno.Kv;
  #listeners = new Set<(event: FunctionEvent) => void>();
  #nodes = new Map<string, { record: NodeRecord; token: symbol }>();
  #nodeListeners = new Set<(event: NodeEvent) => void>();

  private constructor(path: string, kv: Deno.Kv) {
    this.path = path;
    this.#kv = kv;
  }

  /**
   * Opens (creating it and `dir` when needed) the registry file `registry.kv` in `dir`.
   *
   * @throws {UnavailableError} when the directory or the file cannot be opened
   */
  static async open(dir: string): Promise<EmbeddedRegistry> {
    const path = join(dir, EMBEDDED_REGISTRY_FILE);
    let kv: Deno.Kv;
    try {
      await Deno.mkdir(dir, { recursive: true });
      kv = await Deno.openKv(path);
    } catch (error) {
      throw _unavailable(path, error);
    }
    const registry = new EmbeddedRegistry(path, kv);
    try {
      await registry.#run(() => registry.#removeOrphanCode());
    } catch (error) {
      await registry.close();
      throw error;
    }
    return registry;
  }

  /** Stores `definition` unless a function of that name exists. */
  async createFunction(definition: FunctionDefinition): Promise<boolean> {
    _checkName(definition.Name);
    return await this.#run(async () => {
      const head = await this.#kv.get<_Head>([FUNCTIONS, definition.Name]);
      if (head.versionstamp !== null) return false;
      const ok = await this.#write(definition, null);
      if (ok) this.#emit({ type: "put", definition });
      return ok;
    });
  }

  /** Replaces the stored definition of `definition.Name`, if any. */
  async updateFunction(definition: FunctionDefinition): Promise<boolean> {
    _checkName(definition.Name);
    return await this.#run(() =>
      this.#retry(definition.Name, async (old) => {
        if (old.value === null) return false;
        if (!await this.#write(definition, old.versionstamp)) return undefined;
        await this.#deleteCode(definition.Name, old.value.CodeId);
        this.#emit({ type: "put", definition });
        return true;
      })
    );
  }

  /** Removes the definition named `name`, if any. */
  async deleteFunction(name: string): Promise<boolean> {
    _checkName(name);
    return await this.#run(() =>
      this.#retry(name, async (old) => {
        if (old.value === null) return false;
        const key = [FUNCTIONS, name];
        const result = await this.#kv.atomic().check(old).delete(key).commit();
        if (!result.ok) return undefined;
        await this.#deleteCode(name, old.value.CodeId);
        this.#emit({ type: "delete", name });
        return true;
      })
    );
  }

  /** Every stored definition, ordered by name. */
  async listFunctions(): Promise<FunctionDefinition[]> {
    return await this.#run(async () => {
      const definitions: FunctionDefinition[] = [];
      for await (const head of this.#kv.list<_Head>({ prefix: [FUNCTIONS] })) {
        const definition = await this.#readCurrent(head);
        if (definition) definitions.push(definition);
      }
      return definitions;
    });
  }

  /**
   * Calls `onEvent` for every later change made through this instance, before the changing
   * call resolves. An exception thrown by `onEvent` is logged, not propagated.
   */
  watchFunctions(onEvent: (event: FunctionEvent) => void): () => void {
    const listener = (event: FunctionEvent) => onEvent(event);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stores `entry` under `reqId`; it reads as absent after `ttlSeconds`. */
  async putAsync(reqId: string, entry: AsyncEntry, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds, "Async");
    const ttlMs = Math.ceil(ttlSeconds * 1000);
    const stored: _StoredAsync = { entry, expiresAt: Date.now() + ttlMs };
    return await this.#run(async () => {
      await this.#kv.set([ASYNC, reqId], stored, { expireIn: ttlMs });
    });
  }

  /** The entry stored under `reqId`, or `undefined` when absent or expired. */
  async getAsync(reqId: string): Promise<AsyncEntry | undefined> {
    return await this.#run(async () => {
      const stored = await this.#kv.get<_StoredAsync>([ASYNC, reqId]);
      return _live(stored.value) ? stored.value.entry : undefined;
    });
  }

  /** Ids of the live pending entries of `node`. */
  async listPendingAsync(node: string): Promise<string[]> {
    return await this.#run(async () => {
      const ids: string[] = [];
      for await (const { key, value } of this.#kv.list<_StoredAsync>({ prefix: [ASYNC] })) {
        if (!_live(value)) continue;
        if (value.entry.Status === "pending" && value.entry.Node === node) {
          ids.push(String(key[1]));
        }
      }
      return ids;
    });
  }

  /**
   * Remembers `node` (in memory, without expiry: `ttlSeconds` is only checked) and tells the
   * node watchers. The returned function forgets it and tells the watchers, unless `node.Id`
   * was registered again meanwhile.
   *
   * @throws {TypeError} when `node` is malformed
   * @throws {RangeError} when `ttlSeconds` is not a positive number
   */
  registerNode(node: NodeRecord, ttlSeconds: number): Promise<() => Promise<void>> {
    try {
      checkNodeRecord(node);
      checkTtl(ttlSeconds, "Node");
    } catch (error) {
      return Promise.reject(error);
    }
    const record: NodeRecord = { Id: node.Id, Url: node.Url, Area: node.Area, Cloud: node.Cloud };
    const token = Symbol(record.Id);
    this.#nodes.set(record.Id, { record, token });
    this.#emitNode({ type: "put", node: { ...record } });
    return Promise.resolve(() => {
      if (this.#nodes.get(record.Id)?.token === token) {
        this.#nodes.delete(record.Id);
        this.#emitNode({ type: "delete", id: record.Id });
      }
      return Promise.resolve();
    });
  }

  /** Every registered node, ordered by id. */
  listNodes(): Promise<NodeRecord[]> {
    const nodes = [...this.#nodes.values()].map(({ record }) => ({ ...record }));
    return Promise.resolve(nodes.sort((a, b) => a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0));
  }

  /**
   * Calls `onEvent` for every later registration or unregistration made through this instance,
   * before the changing call resolves. An exception thrown by `onEvent` is logged, not
   * propagated.
   */
  watchNodes(onEvent: (event: NodeEvent) => void): () => void {
    const listener = (event: NodeEvent) => onEvent(event);
    this.#nodeListeners.add(listener);
    return () => this.#nodeListeners.delete(listener);
  }

  /** Stops every watcher, forgets the registered nodes and closes the file. */
  close(): Promise<void> {
    this.#listeners.clear();
    this.#nodeListeners.clear();
    this.#nodes.clear();
    try {
      this.#kv.close();
    } catch {
      // already closed
    }
    return Promise.resolve();
  }

  /** Same as {@linkcode EmbeddedRegistry.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs a KV operation, turning a failure of the store into `UnavailableError`. */
  async #run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw _unavailable(this.path, error);
    }
  }

  /** Calls `attempt` with the current head until it resolves a boolean (not `undefined`). */
  async #retry(
    name: string,
    attempt: (old: Deno.KvEntryMaybe<_Head>) => Promise<boolean | undefined>,
  ): Promise<boolean> {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const result = await attempt(await this.#kv.get<_Head>([FUNCTIONS, name]));
      if (result !== undefined) return result;
    }
    throw new Error(`Function "${name}" kept changing during ${MAX_ATTEMPTS} attempts`);
  }

  /**
   * Writes the code chunks and the head of `definition` if the head's versionstamp is still
   * `versionstamp` (`null`: absent). Resolves `false`, leaving nothing behind, if it is not.
   */
  async #write(definition: FunctionDefinition, versionstamp: string | null): Promise<boolean> {
    const { TarFunctionCode: code, ...rest } = definition;
    const chunks = _split(code ?? "");
    const head: _Head = { ...rest, CodeId: crypto.randomUUID(), CodeChunks: chunks.length };
    const name = definition.Name;
    const early = Math.max(0, chunks.length - CHUNKS_PER_COMMIT);
    for (let start = 0; start < early; start += CHUNKS_PER_COMMIT) {
      const end = Math.min(start + CHUNKS_PER_COMMIT, early);
      const operation = this.#kv.atomic();
      for (let i = start; i < end; i++) operation.set([CODE, name, head.CodeId, i], chunks[i]);
      await operation.commit();
    }
    const last = this.#kv.atomic().check({ key: [FUNCTIONS, name], versionstamp });
    for (let i = early; i < chunks.length; i++) last.set([CODE, name, head.CodeId, i], chunks[i]);
    const result = await last.set([FUNCTIONS, name], head).commit();
    if (!result.ok && early > 0) await this.#deleteCode(name, head.CodeId);
    return result.ok;
  }

  /** The full definition under `head.key`, re-reading the head if it changes meanwhile. */
  async #readCurrent(head: Deno.KvEntryMaybe<_Head>): Promise<FunctionDefinition | undefined> {
    for (let i = 0; i < MAX_ATTEMPTS && head.value !== null; i++) {
      const definition = await this.#read(head.value);
      if (definition) return definition;
      head = await this.#kv.get<_Head>(head.key);
    }
    return undefined;
  }

  /** The full definition of `head`, or `undefined` when its code was replaced meanwhile. */
  async #read(head: _Head): Promise<FunctionDefinition | undefined> {
    const { CodeId, CodeChunks, ...rest } = head;
    const chunks: string[] = [];
    for await (const chunk of this.#kv.list<string>({ prefix: [CODE, head.Name, CodeId] })) {
      chunks.push(chunk.value);
    }
    if (chunks.length !== CodeChunks) return undefined;
    return { ...rest, TarFunctionCode: chunks.join("") } as FunctionDefinition;
  }

  async #deleteCode(name: string, codeId: string): Promise<void> {
    for await (const { key } of this.#kv.list({ prefix: [CODE, name, codeId] })) {
      await this.#kv.delete(key);
    }
  }

  /** Removes code chunks no head refers to (left by a crash between two writes). */
  async #removeOrphanCode(): Promise<void> {
    const live = new Set<string>();
    for await (const { value } of this.#kv.list<_Head>({ prefix: [FUNCTIONS] })) {
      live.add(JSON.stringify([value.Name, value.CodeId]));
    }
    for await (const { key } of this.#kv.list({ prefix: [CODE] })) {
      if (!live.has(JSON.stringify([key[1], key[2]]))) await this.#kv.delete(key);
    }
  }

  #emit(event: FunctionEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error("Function watcher failed:", error);
      }
    }
  }

  #emitNode(event: NodeEvent): void {
    for (const listener of [...this.#nodeListeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error("Node watcher failed:", error);
      }
    }
  }
}

function _split(code: string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < code.length; i += CHUNK_CHARS) chunks.push(code.slice(i, i + CHUNK_CHARS));
  return chunks;
}

function _live(stored: _StoredAsync | null): stored is _StoredAsync {
  return stored !== null && stored.expiresAt > Date.now();
}

function _checkName(name: string): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(`Function name "${name}" is invalid: it must be a non-empty string`);
  }
}

function _unavailable(path: string, error: unknown): Error {
  if (error instanceof UnavailableError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new UnavailableError(`Registry "embedded" at "${path}" is unavailable: ${detail}`, {
    cause: error,
  });
}

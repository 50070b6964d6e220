/**
 * Function definitions in the embedded registry: each definition without its code under
 * `["functions", name]` (its head), the code in chunks under
 * `["function_code", name, codeId, i]`.
 *
 * @module
 */
import type { FunctionDefinition } from "../../../protocol/function.ts";
import type { FunctionEvent, FunctionRegistry } from "../function_registry.ts";
import { Listeners } from "../listeners.ts";
import type { KvFile } from "./kv_file.ts";

/** Characters of function code per KV value (a KV value holds at most 64 KiB). */
const CHUNK_CHARS = 60_000;
/** Code chunks written per atomic operation (an operation holds at most 800 KiB). */
const CHUNKS_PER_COMMIT = 10;
/** Attempts of an update or delete that races with another change of the same function. */
const MAX_ATTEMPTS = 10;

const FUNCTIONS = "functions";
const CODE = "function_code";

/** What is stored under `[FUNCTIONS, name]`: the definition without its code. */
type _Head = Omit<FunctionDefinition, "TarFunctionCode"> & {
  /** Identifies this version's code chunks, under `[CODE, name, CodeId, i]`. */
  CodeId: string;
  /** Number of code chunks. */
  CodeChunks: number;
};

/**
 * {@linkcode FunctionRegistry} on Deno KV.
 *
 * Function code is split into chunks (a KV value holds at most 64 KiB) written together with
 * the definition in one atomic operation when it fits (up to ~600 KB of base64), else before
 * it; {@linkcode EmbeddedFunctionRegistry.removeOrphanCode} removes the chunks a crash left.
 *
 * Watchers see the changes made through this instance, synchronously, before the changing
 * call resolves. Other processes opening the same file are not watched: use etcd for that.
 *
 * @example
 * ```ts
 * import { EmbeddedFunctionRegistry } from "./functions.ts";
 * import { KvFile } from "./kv_file.ts";
 *
 * const file = await KvFile.open(await Deno.makeTempDir());
 * const functions = new EmbeddedFunctionRegistry(file);
 * const stop = functions.watch((event) => console.log(event.type));
 * console.log(await functions.list()); // []
 * stop();
 * file.close();
 * ```
 */
export class EmbeddedFunctionRegistry implements FunctionRegistry {
  #file: KvFile;
  #kv: Deno.Kv;
  #listeners = new Listeners<FunctionEvent>("Function");

  /** @param file where definitions are stored */
  constructor(file: KvFile) {
    this.#file = file;
    this.#kv = file.kv;
  }

  /** Stores `definition` unless a function of that name exists. */
  async create(definition: FunctionDefinition): Promise<boolean> {
    _checkName(definition.Name);
    return await this.#file.run(async () => {
      const head = await this.#kv.get<_Head>([FUNCTIONS, definition.Name]);
      if (head.versionstamp !== null) return false;
      const ok = await this.#write(definition, null);
      if (ok) this.#listeners.emit({ type: "put", definition });
      return ok;
    });
  }

  /** Replaces the stored definition of `definition.Name`, if any. */
  async update(definition: FunctionDefinition): Promise<boolean> {
    _checkName(definition.Name);
    return await this.#file.run(() =>
      this.#retry(definition.Name, async (old) => {
        if (old.value === null) return false;
        if (!await this.#write(definition, old.versionstamp)) return undefined;
        await this.#deleteCode(definition.Name, old.value.CodeId);
        this.#listeners.emit({ type: "put", definition });
        return true;
      })
    );
  }

  /** Removes the definition named `name`, if any. */
  async delete(name: string): Promise<boolean> {
    _checkName(name);
    return await this.#file.run(() =>
      this.#retry(name, async (old) => {
        if (old.value === null) return false;
        const key = [FUNCTIONS, name];
        const result = await this.#kv.atomic().check(old).delete(key).commit();
        if (!result.ok) return undefined;
        await this.#deleteCode(name, old.value.CodeId);
        this.#listeners.emit({ type: "delete", name });
        return true;
      })
    );
  }

  /** Every stored definition, ordered by name. */
  async list(): Promise<FunctionDefinition[]> {
    return await this.#file.run(async () => {
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
  watch(onEvent: (event: FunctionEvent) => void): () => void {
    return this.#listeners.add(onEvent);
  }

  /** Stops every watcher. */
  stopWatches(): void {
    this.#listeners.clear();
  }

  /** Removes code chunks no head refers to (left by a crash between two writes). */
  async removeOrphanCode(): Promise<void> {
    await this.#file.run(async () => {
      const live = new Set<string>();
      for await (const { value } of this.#kv.list<_Head>({ prefix: [FUNCTIONS] })) {
        live.add(JSON.stringify([value.Name, value.CodeId]));
      }
      for await (const { key } of this.#kv.list({ prefix: [CODE] })) {
        if (!live.has(JSON.stringify([key[1], key[2]]))) await this.#kv.delete(key);
      }
    });
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
}

function _split(code: string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < code.length; i += CHUNK_CHARS) chunks.push(code.slice(i, i + CHUNK_CHARS));
  return chunks;
}

function _checkName(name: string): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(`Function name "${name}" is invalid: it must be a non-empty string`);
  }
}

/**
 * The Deno KV file of the embedded registry, shared by its parts: opening it under the data
 * dir, and turning a failure of the store into `UnavailableError`.
 *
 * @module
 */
import { join } from "node:path";
import { UnavailableError } from "../../errors.ts";

/** Name of the KV file inside the data dir given to {@linkcode KvFile.open}. */
export const EMBEDDED_REGISTRY_FILE = "registry.kv";

/**
 * An open `registry.kv`. Needs `--unstable-kv` (or `"unstable": ["kv"]` in deno.json).
 *
 * @example
 * ```ts
 * import { KvFile } from "./kv_file.ts";
 *
 * const file = await KvFile.open(await Deno.makeTempDir());
 * await file.run(() => file.kv.set(["greeting"], "hello"));
 * file.close();
 * ```
 */
export class KvFile {
  /** Path of the KV file. */
  readonly path: string;
  /** The open store. */
  readonly kv: Deno.Kv;

  private constructor(path: string, kv: Deno.Kv) {
    this.path = path;
    this.kv = kv;
  }

  /**
   * Opens (creating it and `dir` when needed) the file `registry.kv` in `dir`.
   *
   * @throws {UnavailableError} when the directory or the file cannot be opened
   */
  static async open(dir: string): Promise<KvFile> {
    const path = join(dir, EMBEDDED_REGISTRY_FILE);
    try {
      await Deno.mkdir(dir, { recursive: true });
      return new KvFile(path, await Deno.openKv(path));
    } catch (error) {
      throw _unavailable(path, error);
    }
  }

  /** Runs a KV operation, turning a failure of the store into `UnavailableError`. */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw _unavailable(this.path, error);
    }
  }

  /** Closes the store (once; closing again does nothing). */
  close(): void {
    try {
      this.kv.close();
    } catch {
      // already closed
    }
  }
}

function _unavailable(path: string, error: unknown): Error {
  if (error instanceof UnavailableError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new UnavailableError(`Registry "embedded" at "${path}" is unavailable: ${detail}`, {
    cause: error,
  });
}

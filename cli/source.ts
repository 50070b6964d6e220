/**
 * Packs `-src` into the base64 tar `POST /create` wants: a file becomes one entry named by its
 * basename, a folder becomes its files with paths relative to it, and a `.tar` (or gzipped
 * `.tar.gz`/`.tgz`) archive is sent as it is.
 *
 * @module
 */
import { basename, join, relative, resolve } from "node:path";
import { encodeBase64 } from "../protocol/base64.ts";
import { type TarEntry, writeTar } from "../protocol/tar_writer.ts";
import { CliError } from "./errors.ts";
import { describeFsError } from "./fs_error.ts";

const ARCHIVE = /\.(tar|tar\.gz|tgz)$/i;

/**
 * Reads `path` (a file, a folder or a tar archive; a relative path is read from `cwd`) and
 * answers its code as base64 tar. Throws a {@linkcode CliError} naming the path as given when it
 * is missing, unreadable, an empty folder or holds something other than files and folders.
 *
 * @example
 * ```ts
 * const code = await packSource("examples/hello.py"); // a tar of one entry, "hello.py"
 * ```
 */
export async function packSource(path: string, cwd: string = Deno.cwd()): Promise<string> {
  const source = new Source(cwd);
  const info = await source.stat(path);
  if (info.isFile && ARCHIVE.test(path)) return encodeBase64(await source.read(path));
  if (info.isFile) {
    return encodeBase64(writeTar([await source.fileEntry(path, basename(path), info)]));
  }
  const entries = await source.folderEntries(path, path);
  if (entries.length === 0) throw new CliError(`Source folder "${path}" holds no files`);
  return encodeBase64(writeTar(entries));
}

/** Reads the files of a source by the paths given, relative ones from a working directory. */
class Source {
  readonly #cwd: string;

  constructor(cwd: string) {
    this.#cwd = cwd;
  }

  #resolve(path: string): string {
    return resolve(this.#cwd, path);
  }

  async folderEntries(root: string, folder: string): Promise<TarEntry[]> {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.#resolve(folder))) names.push(entry.name);
    } catch (error) {
      throw new CliError(`Cannot read source folder "${folder}": ${describeFsError(error)}`, {
        cause: error,
      });
    }
    const entries: TarEntry[] = [];
    for (const name of names.sort()) {
      const path = join(folder, name);
      const link = await this.stat(path, Deno.lstat);
      const info = link.isSymlink ? await this.stat(path) : link;
      if (info.isFile) {
        entries.push(await this.fileEntry(path, relative(root, path), info));
      } else if (info.isDirectory && !link.isSymlink) {
        const inner = await this.folderEntries(root, path);
        entries.push(...(inner.length ? inner : [{ name: relative(root, path), type: "5" }]));
      } else {
        throw new CliError(
          `Cannot pack "${path}": only files, folders and links to files can be sent`,
        );
      }
    }
    return entries;
  }

  async fileEntry(path: string, name: string, info: Deno.FileInfo): Promise<TarEntry> {
    return { name, data: await this.read(path), mode: (info.mode ?? 0o644) & 0o777 };
  }

  async stat(path: string, stat = Deno.stat): Promise<Deno.FileInfo> {
    try {
      return await stat(this.#resolve(path));
    } catch (error) {
      throw new CliError(`Cannot read source "${path}": ${describeFsError(error)}`, {
        cause: error,
      });
    }
  }

  async read(path: string): Promise<Uint8Array> {
    try {
      return await Deno.readFile(this.#resolve(path));
    } catch (error) {
      throw new CliError(`Cannot read source "${path}": ${describeFsError(error)}`, {
        cause: error,
      });
    }
  }
}

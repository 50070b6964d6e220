/**
 * Packs `-src` into the base64 tar `POST /create` wants: a file becomes one entry named by its
 * basename, a folder becomes its files with paths relative to it, and a `.tar` (or gzipped
 * `.tar.gz`/`.tgz`) archive is sent as it is.
 *
 * @module
 */
import { basename, join, relative } from "node:path";
import { encodeBase64 } from "../protocol/base64.ts";
import { type TarEntry, writeTar } from "../protocol/tar_writer.ts";
import { CliError } from "./errors.ts";
import { describeFsError } from "./fs_error.ts";

const ARCHIVE = /\.(tar|tar\.gz|tgz)$/i;

/**
 * Reads `path` (a file, a folder or a tar archive) and answers its code as base64 tar. Throws a
 * {@linkcode CliError} naming the path when it is missing, unreadable, an empty folder or holds
 * something other than files and folders.
 *
 * @example
 * ```ts
 * const code = await packSource("examples/hello.py"); // a tar of one entry, "hello.py"
 * ```
 */
export async function packSource(path: string): Promise<string> {
  const info = await statSource(path);
  if (info.isFile && ARCHIVE.test(path)) return encodeBase64(await readSource(path));
  if (info.isFile) {
    return encodeBase64(writeTar([await fileEntry(path, basename(path), info)]));
  }
  const entries = await folderEntries(path, path);
  if (entries.length === 0) throw new CliError(`Source folder "${path}" holds no files`);
  return encodeBase64(writeTar(entries));
}

async function folderEntries(root: string, folder: string): Promise<TarEntry[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) names.push(entry.name);
  } catch (error) {
    throw new CliError(`Cannot read source folder "${folder}": ${describeFsError(error)}`, {
      cause: error,
    });
  }
  const entries: TarEntry[] = [];
  for (const name of names.sort()) {
    const path = join(folder, name);
    const link = await statSource(path, Deno.lstat);
    const info = link.isSymlink ? await statSource(path) : link;
    if (info.isFile) {
      entries.push(await fileEntry(path, relative(root, path), info));
    } else if (info.isDirectory && !link.isSymlink) {
      const inner = await folderEntries(root, path);
      entries.push(...(inner.length ? inner : [{ name: relative(root, path), type: "5" }]));
    } else {
      throw new CliError(
        `Cannot pack "${path}": only files, folders and links to files can be sent`,
      );
    }
  }
  return entries;
}

async function fileEntry(path: string, name: string, info: Deno.FileInfo): Promise<TarEntry> {
  return { name, data: await readSource(path), mode: (info.mode ?? 0o644) & 0o777 };
}

async function statSource(path: string, stat = Deno.stat): Promise<Deno.FileInfo> {
  try {
    return await stat(path);
  } catch (error) {
    throw new CliError(`Cannot read source "${path}": ${describeFsError(error)}`, {
      cause: error,
    });
  }
}

async function readSource(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    throw new CliError(`Cannot read source "${path}": ${describeFsError(error)}`, {
      cause: error,
    });
  }
}

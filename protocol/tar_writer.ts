/**
 * Writes ustar archives: the format `POST /create` expects in `TarFunctionCode`. Used by the
 * CLI to pack a file or folder and by tests to build archives, malicious ones included.
 *
 * @module
 */
import { concatBytes } from "./bytes.ts";

/** One entry to write. `type` defaults to a regular file. */
export interface TarEntry {
  /** Entry name as stored (no checks: tests use this to write hostile names). */
  name: string;
  /** File content (regular files). */
  data?: Uint8Array | string;
  /** Permission bits. @default 0o644 */
  mode?: number;
  /** Tar type flag: `"0"` file, `"5"` directory, `"1"` hard link, `"2"` symlink. @default "0" */
  type?: string;
  /** Link target for link entries. */
  linkName?: string;
}

const BLOCK = 512;
const encoder = new TextEncoder();

/**
 * Packs `entries` into a ustar archive (names up to 100 bytes, or 255 with a prefix).
 *
 * @example
 * ```ts
 * const tar = writeTar([{ name: "hello.py", data: "def handler(p, c):\n  return 1\n" }]);
 * ```
 */
export function writeTar(entries: TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const data = typeof entry.data === "string"
      ? encoder.encode(entry.data)
      : entry.data ?? new Uint8Array();
    parts.push(header(entry, data.length));
    parts.push(data);
    const padding = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (padding) parts.push(new Uint8Array(padding));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return concatBytes(parts);
}

function header(entry: TarEntry, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const [prefix, name] = splitName(entry.name);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, entry.mode ?? (entry.type === "5" ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, Math.floor(Date.now() / 1000));
  block.fill(0x20, 148, 156);
  block[156] = (entry.type ?? "0").charCodeAt(0);
  writeString(block, 157, 100, entry.linkName ?? "");
  writeString(block, 257, 6, "ustar");
  writeString(block, 263, 2, "00");
  writeString(block, 345, 155, prefix);
  const sum = block.reduce((n, b) => n + b, 0);
  writeString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

function splitName(name: string): [string, string] {
  if (encoder.encode(name).length <= 100) return ["", name];
  const cut = name.lastIndexOf("/", 155);
  if (cut <= 0 || encoder.encode(name.slice(cut + 1)).length > 100) {
    throw new RangeError(`Cannot write tar entry "${name}": name is longer than 255 bytes`);
  }
  return [name.slice(0, cut), name.slice(cut + 1)];
}

function writeString(block: Uint8Array, offset: number, length: number, text: string): void {
  block.set(encoder.encode(text).subarray(0, length), offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

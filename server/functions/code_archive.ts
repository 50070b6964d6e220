/**
 * Reads and checks function code sent as a tar archive (base64 in `TarFunctionCode`, exactly as
 * Serverledge's CLI sends it; gzip-compressed tars are accepted too). Only regular files and
 * directories with relative, normalised paths are let through; links, devices, absolute paths,
 * `..` segments, oversize content and decompression bombs are refused with a `BadRequestError`
 * or `PayloadTooLargeError` before anything reaches a container.
 *
 * @module
 */
import { decodeBase64 } from "../../protocol/base64.ts";
import { concatBytes } from "../../protocol/bytes.ts";
import type { CodeFile } from "../../protocol/executor.ts";
import { BadRequestError, PayloadTooLargeError } from "../errors.ts";

/** Limits applied while reading an archive. */
export interface ArchiveLimits {
  /** Maximum total size of the unpacked files, in bytes. */
  maxBytes: number;
  /** Maximum number of entries (files and directories). @default 10000 */
  maxEntries?: number;
}

const BLOCK = 512;
/** Compressed bytes unpacked at a time (see `gunzipBounded`). */
const GZIP_PIECE = 8 * 1024;
const MAX_PATH_LENGTH = 1024;
/** Entries (files and directories) an archive may hold unless its limits say otherwise. */
export const DEFAULT_MAX_ENTRIES = 10_000;
const decoder = new TextDecoder();

/**
 * Decodes base64 `TarFunctionCode` and reads its files, enforcing `limits`.
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "../../protocol/base64.ts";
 * import { writeTar } from "../../protocol/tar_writer.ts";
 *
 * const code = encodeBase64(writeTar([{ name: "hello.py", data: "def handler(p, c): 1" }]));
 * const files = await readCodeArchive(code, { maxBytes: 1 << 20 });
 * console.log(files[0].path); // "hello.py"
 * ```
 */
export async function readCodeArchive(
  base64: string,
  limits: ArchiveLimits,
): Promise<CodeFile[]> {
  const packed = decodeCode(base64);
  const tar = isGzip(packed) ? await gunzipBounded(packed, limits.maxBytes + 64 * BLOCK) : packed;
  return readTar(tar, limits);
}

/** Decodes `TarFunctionCode`, refusing what is not standard base64 with a `BadRequestError`. */
function decodeCode(text: string): Uint8Array {
  const bytes = decodeBase64(text);
  if (!bytes) throw new BadRequestError('Field "TarFunctionCode" is not valid base64');
  return bytes;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Unpacks gzip, failing as soon as the output passes `maxBytes`. The input is fed in pieces
 * of {@linkcode GZIP_PIECE} bytes: one piece unpacks to at most about a thousand times its
 * size, so a bomb is stopped a few MB past the limit instead of being unpacked whole first.
 */
async function gunzipBounded(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  const feeding = (async () => {
    for (let i = 0; i < bytes.length; i += GZIP_PIECE) {
      await writer.write(bytes.subarray(i, i + GZIP_PIECE) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })();
  feeding.catch(() => {}); // its failure is the readable side's, reported below
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of stream.readable) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new PayloadTooLargeError(
          `Function code unpacks to more than ${maxBytes} bytes (the limit)`,
        );
      }
      chunks.push(chunk);
    }
    await feeding;
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    throw new BadRequestError("Function code is not a valid gzip stream", { cause: error });
  }
  return concatBytes(chunks);
}

/** Reads a ustar/PAX/GNU tar, keeping regular files and refusing anything unsafe. */
export function readTar(tar: Uint8Array, limits: ArchiveLimits): CodeFile[] {
  const files: CodeFile[] = [];
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  let total = 0;
  let entries = 0;
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    verifyChecksum(header, offset);
    const type = String.fromCharCode(header[156] || 0x30);
    const size = readSize(header, offset);
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > tar.length) {
      throw new BadRequestError("Function code tar is truncated");
    }
    const data = tar.subarray(dataStart, dataEnd);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (++entries > maxEntries) {
      throw new PayloadTooLargeError(`Function code has more than ${maxEntries} entries`);
    }
    if (type === "L") {
      longName = readCString(data);
      continue;
    }
    if (type === "x") {
      paxPath = readPaxPath(data) ?? paxPath;
      continue;
    }
    if (type === "g") continue;
    const rawName = paxPath ?? longName ?? headerName(header);
    longName = paxPath = undefined;
    const path = normalisePath(rawName);
    if (type === "5") continue;
    if (type !== "0" && type !== "7") {
      throw new BadRequestError(
        `Function code entry "${rawName}" is a ${
          describeType(type)
        }: only regular files and directories are allowed`,
      );
    }
    total += size;
    if (total > limits.maxBytes) {
      throw new PayloadTooLargeError(
        `Function code unpacks to more than ${limits.maxBytes} bytes (the limit)`,
      );
    }
    const mode = parseOctal(header.subarray(100, 108)) & 0o777;
    files.push({ path, mode: mode || 0o644, data });
  }
  if (files.length === 0) {
    throw new BadRequestError("Function code tar holds no files");
  }
  return files;
}

function verifyChecksum(header: Uint8Array, offset: number): void {
  const stored = parseOctal(header.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (stored !== sum) {
    throw new BadRequestError(
      `Function code is not a valid tar archive: bad header checksum at byte ${offset}`,
    );
  }
}

function readSize(header: Uint8Array, offset: number): number {
  if (header[124] & 0x80) {
    throw new PayloadTooLargeError(`Function code tar entry at byte ${offset} is too large`);
  }
  return parseOctal(header.subarray(124, 136));
}

function parseOctal(field: Uint8Array): number {
  const text = readCString(field).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new BadRequestError(`Function code is not a valid tar archive: bad number "${text}"`);
  }
  return parseInt(text, 8);
}

function readCString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

function headerName(header: Uint8Array): string {
  const name = readCString(header.subarray(0, 100));
  const isUstar = readCString(header.subarray(257, 263)).startsWith("ustar");
  const prefix = isUstar ? readCString(header.subarray(345, 500)) : "";
  return prefix ? `${prefix}/${name}` : name;
}

function readPaxPath(data: Uint8Array): string | undefined {
  let path: string | undefined;
  for (const record of decoder.decode(data).split("\n")) {
    const match = /^\d+ path=(.*)$/s.exec(record);
    if (match) path = match[1];
  }
  return path;
}

/** Normalises a tar entry name, refusing absolute paths, `..` and control characters. */
export function normalisePath(name: string): string {
  if (name.length === 0 || name.length > MAX_PATH_LENGTH) {
    throw new BadRequestError(`Function code entry name "${name}" is empty or too long`);
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\\]/.test(name)) {
    throw new BadRequestError(`Function code entry name "${name}" has forbidden characters`);
  }
  if (name.startsWith("/")) {
    throw new BadRequestError(`Function code entry "${name}" has an absolute path`);
  }
  const segments = name.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) {
    throw new BadRequestError(`Function code entry "${name}" leaves the code folder ("..")`);
  }
  if (segments.length === 0) return ".";
  return segments.join("/");
}

function describeType(type: string): string {
  switch (type) {
    case "1":
      return "hard link";
    case "2":
      return "symbolic link";
    case "3":
    case "4":
      return "device";
    case "6":
      return "FIFO";
    default:
      return `entry of type "${type}"`;
  }
}

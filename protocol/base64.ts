/**
 * Standard base64, the encoding of `TarFunctionCode` (as Serverledge's CLI sends it). Works in
 * Deno and in browsers: the engine's own base64 where it has one (Deno does: tens of MB take
 * milliseconds), else in chunks.
 *
 * @example
 * ```ts
 * import { decodeBase64, encodeBase64 } from "./base64.ts";
 *
 * const text = encodeBase64(new TextEncoder().encode("hello"));
 * console.log(text, decodeBase64(text)?.length); // "aGVsbG8=" 5
 * ```
 *
 * @module
 */

const CHUNK = 0x8000;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The engine's own base64 (`Uint8Array.fromBase64`, `toBase64`), where it has one. */
const native = {
  decode: (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64,
  encode: (Uint8Array.prototype as unknown as { toBase64?: (this: Uint8Array) => string })
    .toBase64,
};

/** Encodes bytes as standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  if (native.encode) return native.encode.call(bytes);
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Decodes standard base64 (white space ignored); `undefined` when `text` is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (native.decode) {
    try {
      return native.decode.call(Uint8Array, text);
    } catch {
      return undefined;
    }
  }
  const compact = text.replace(/\s+/g, "");
  if (!BASE64.test(compact) || compact.length % 4 === 1) return undefined;
  try {
    return Uint8Array.from(atob(compact), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

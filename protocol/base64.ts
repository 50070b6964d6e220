/**
 * Standard base64, the encoding of `TarFunctionCode` (as Serverledge's CLI sends it). Works in
 * Deno and in browsers; large inputs are handled in chunks.
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

/** Encodes bytes as standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Decodes standard base64 (white space ignored); `undefined` when `text` is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!BASE64.test(compact) || compact.length % 4 === 1) return undefined;
  try {
    return Uint8Array.from(atob(compact), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

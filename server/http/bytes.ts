/**
 * Finding the line ends of HTTP/1.x in received bytes.
 *
 * @example
 * ```ts
 * import { indexOfCrlf, indexOfHeadEnd } from "./bytes.ts";
 *
 * const bytes = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
 * console.log(indexOfCrlf(bytes, 0), indexOfHeadEnd(bytes, 0)); // 14 23
 * ```
 *
 * @module
 */

const CR = 13;
const LF = 10;

/** The index of the first CRLF in `bytes` at or after `from`, or -1. */
export function indexOfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i < bytes.length - 1; i++) {
    if (bytes[i] === CR && bytes[i + 1] === LF) return i;
  }
  return -1;
}

/** The index of the first CRLF CRLF (the end of a request head) at or after `from`, or -1. */
export function indexOfHeadEnd(bytes: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i < bytes.length - 3; i++) {
    if (bytes[i] === CR && bytes[i + 1] === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) {
      return i;
    }
  }
  return -1;
}

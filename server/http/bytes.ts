/**
 * Finding the line ends of HTTP/1.x in received bytes, and making room in a read buffer.
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

/** A read buffer: the bytes from `start` to `end` are received and not consumed yet. */
export interface ReadBuffer {
  /** The buffer. */
  buffer: Uint8Array<ArrayBuffer>;
  /** Where the unconsumed bytes start. */
  start: number;
  /** Where they end. */
  end: number;
}

/**
 * Makes room for a read in a full buffer: moves the unconsumed bytes to the front, or when
 * they fill it, grows it (doubling, up to `maxBuffered` bytes). A buffer with room is returned
 * as it is; one at `maxBuffered` and full of unconsumed bytes stays full.
 */
export function makeRoom(read: ReadBuffer, maxBuffered: number): ReadBuffer {
  const { buffer, start, end } = read;
  if (end < buffer.length) return read;
  if (start > 0) {
    buffer.copyWithin(0, start, end);
    return { buffer, start: 0, end: end - start };
  }
  if (buffer.length >= maxBuffered) return read;
  const grown = new Uint8Array(Math.min(buffer.length * 2, maxBuffered));
  grown.set(buffer.subarray(0, end));
  return { buffer: grown, start: 0, end };
}

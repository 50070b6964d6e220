/**
 * Reading an HTTP/1.1 answer from a client connection, strictly: a status line and header
 * fields within a size limit, then a body framed by `Content-Length` or `chunked` within
 * another (none for 204 and 304). Anything else (no framing, both framings, another transfer
 * coding, an interim 1xx answer, a malformed line, a body over the limit) is a `protocol`
 * failure; a connection that ends before the head is complete is `closed`.
 *
 * @module
 */
import { indexOfCrlf, indexOfHeadEnd } from "./bytes.ts";
import type { ClientConnection } from "./client_connection.ts";
import { shown } from "./head.ts";

/** Why a request of an `HttpClient` failed. */
export type HttpClientFailure = "connect" | "closed" | "aborted" | "protocol" | "displaced";

/** A request of an `HttpClient` failed. */
export class HttpClientError extends Error {
  /** What went wrong. */
  readonly failure: HttpClientFailure;

  /** @param failure what went wrong @param message details */
  constructor(failure: HttpClientFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.failure = failure;
    this.name = "HttpClientError";
  }
}

/** Size limits of an answer. */
export interface ResponseLimits {
  /** Largest status line and header fields, bytes. */
  maxHeadBytes: number;
  /** Largest body, bytes (after de-chunking). */
  maxBodyBytes: number;
}

/** An answer as read from the connection. */
export interface ReadResponse {
  /** Status code. */
  status: number;
  /** Header fields in order, names in lower case, values trimmed. */
  headers: [string, string][];
  /** The body. */
  body: Uint8Array<ArrayBuffer>;
  /** Whether the server keeps the connection open for another request. */
  keepAlive: boolean;
}

const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
const DIGITS = /^\d+$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,8})[ \t]*(;.*)?$/;
/** Largest chunk-size or trailer line, bytes. */
const MAX_LINE_BYTES = 4096;
const latin1 = new TextDecoder("latin1");
const CR = 13;
const LF = 10;

/** Reads one complete answer from `connection`. */
export async function readResponse(
  connection: ClientConnection,
  limits: ResponseLimits,
): Promise<ReadResponse> {
  const head = await readHead(connection, limits.maxHeadBytes);
  const lines = head.split("\r\n");
  const status = STATUS_LINE.exec(lines[0]);
  if (!status) throw protocol(`The answer starts with "${shown(lines[0])}", not a status line`);
  const code = Number(status[2]);
  if (code < 200) throw protocol(`Interim answers (${code}) are not supported`);
  const headers = lines.slice(1).map(headerField);
  const lengths: string[] = [];
  const codings: string[] = [];
  let close = false;
  let keep = false;
  for (const [name, value] of headers) {
    if (name === "content-length") lengths.push(value);
    else if (name === "transfer-encoding") codings.push(value);
    else if (name === "connection") {
      for (const token of value.toLowerCase().split(",")) {
        if (token.trim() === "close") close = true;
        else if (token.trim() === "keep-alive") keep = true;
      }
    }
  }
  const keepAlive = status[1] === "1" ? !close : keep;
  if (code === 204 || code === 304) {
    return { status: code, headers, body: new Uint8Array(0), keepAlive };
  }
  try {
    const body = await readBody(connection, lengths, codings, limits);
    return { status: code, headers, body, keepAlive };
  } catch (error) {
    if (error instanceof HttpClientError) throw error;
    throw new HttpClientError("protocol", "The connection broke during the answer's body", {
      cause: error,
    });
  }
}

/** The head's text, without the CRLF CRLF that ends it, consumed from the buffer. */
async function readHead(connection: ClientConnection, maxHeadBytes: number): Promise<string> {
  let searched = 0;
  while (true) {
    const end = indexOfHeadEnd(connection.bytes, Math.max(0, searched - 3));
    if (end > maxHeadBytes || (end < 0 && connection.buffered >= maxHeadBytes)) {
      throw protocol(`The answer's head exceeds ${maxHeadBytes} bytes`);
    }
    if (end >= 0) {
      const text = latin1.decode(connection.bytes.subarray(0, end));
      connection.consume(end + 4);
      return text;
    }
    searched = connection.buffered;
    if (!await connection.fill(maxHeadBytes + 4)) {
      throw new HttpClientError("closed", "The server closed the connection before answering");
    }
  }
}

/** One header line as `[lower-case name, trimmed value]`. */
function headerField(line: string): [string, string] {
  const colon = line.indexOf(":");
  if (colon < 1 || line[0] === " " || line[0] === "\t" || /[ \t]/.test(line[colon - 1])) {
    throw protocol(`Header line "${shown(line)}" is malformed`);
  }
  return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
}

function readBody(
  connection: ClientConnection,
  lengths: string[],
  codings: string[],
  limits: ResponseLimits,
): Promise<Uint8Array<ArrayBuffer>> {
  if (codings.length > 0) {
    if (lengths.length > 0) throw protocol("The answer has both Content-Length and chunked");
    const coding = codings.join(",").toLowerCase();
    if (coding !== "chunked") throw protocol(`Transfer-Encoding "${shown(coding)}" is not chunked`);
    return readChunked(connection, limits.maxBodyBytes);
  }
  const declared = lengths.flatMap((v) => v.split(",")).map((v) => v.trim());
  if (declared.length === 0) throw protocol("The answer has neither Content-Length nor chunked");
  if (!declared.every((v) => DIGITS.test(v) && v === declared[0])) {
    throw protocol(`Content-Length "${shown(lengths.join(","))}" is not one number`);
  }
  const length = Number(declared[0]);
  if (length > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  return readExactly(connection, length);
}

async function readExactly(
  connection: ClientConnection,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const body = new Uint8Array(length);
  if (!await connection.readExactly(body)) throw protocol("The answer's body was cut short");
  return body;
}

async function readChunked(connection: ClientConnection, maxBodyBytes: number) {
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const line = await readLine(connection);
    const size = CHUNK_SIZE.exec(line);
    if (!size) throw protocol(`Chunk size line "${shown(line)}" is malformed`);
    const length = parseInt(size[1], 16);
    if (length === 0) break;
    total += length;
    if (total > maxBodyBytes) throw tooLarge(maxBodyBytes);
    const chunk = await readExactly(connection, length + 2);
    if (chunk[length] !== CR || chunk[length + 1] !== LF) {
      throw protocol("A chunk does not end with CRLF");
    }
    chunks.push(chunk.subarray(0, length));
  }
  while (await readLine(connection) !== "") {
    // trailer fields: read and dropped
  }
  const body = new Uint8Array(total);
  chunks.reduce((offset, chunk) => (body.set(chunk, offset), offset + chunk.length), 0);
  return body;
}

/** The next line, without its CRLF, consumed. */
async function readLine(connection: ClientConnection): Promise<string> {
  while (true) {
    const end = indexOfCrlf(connection.bytes, 0);
    if (end >= 0) {
      const text = latin1.decode(connection.bytes.subarray(0, end));
      connection.consume(end + 2);
      return text;
    }
    if (connection.buffered >= MAX_LINE_BYTES) {
      throw protocol(`A line of the chunked body exceeds ${MAX_LINE_BYTES} bytes`);
    }
    if (!await connection.fill(MAX_LINE_BYTES + 2)) {
      throw protocol("The answer's body was cut short");
    }
  }
}

function protocol(message: string): HttpClientError {
  return new HttpClientError("protocol", message);
}

function tooLarge(maxBodyBytes: number): HttpClientError {
  return protocol(`The answer's body exceeds ${maxBodyBytes} bytes`);
}

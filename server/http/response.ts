/**
 * Writes a `Response` to a connection as HTTP/1.1. An answer is read whole and goes out with
 * `Content-Length` in one write together with its head, except an event stream
 * (`text/event-stream`, the `/events` route) and an answer made by {@linkcode streamedResponse}
 * (the load balancer's), which go out chunked as their bytes come, or, to an HTTP/1.0 client,
 * delimited by closing the connection. Every write must make progress
 * within the idle timeout, or the connection is closed (and the stream cancelled).
 *
 * @module
 */
import { concatBytes } from "../../protocol/bytes.ts";
import type { Wire } from "./wire.ts";

/** How the answer is to be written. */
export interface AnswerContext {
  /** Whether the request was `HEAD` (a head without body, whatever the handler gave). */
  readonly headRequest: boolean;
  /** Whether the client speaks HTTP/1.1 (else 1.0: no chunked answers). */
  readonly http11: boolean;
  /** Whether the connection stays open after this answer (else `Connection: close`). */
  readonly keepAlive: boolean;
  /** Milliseconds a write may stall. */
  readonly idleMs: number;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
/** Headers the front writes itself. */
const FRAMING_HEADERS = new Set([
  "connection",
  "content-length",
  "date",
  "keep-alive",
  "transfer-encoding",
]);
const REASONS: Record<number, string> = {
  100: "Continue",
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  421: "Misdirected Request",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** The bytes of the answers made by {@linkcode jsonResponse}, written without reading them back. */
const preparedBodies = new WeakMap<Response, Uint8Array>();
/** The answers made by {@linkcode streamedResponse}, written as their body's bytes come. */
const streamedAnswers = new WeakSet<Response>();

let dateSecond = -1;
let dateText = "";

/**
 * An `application/json` answer of `value`. The front writes its bytes as they were encoded
 * here, rather than reading its body back as it does for any other `Response`; a handler or
 * middleware may still change its status line and headers (its body must stay as it is).
 *
 * @example
 * ```ts
 * import { jsonResponse } from "./response.ts";
 *
 * const answer = jsonResponse({ Success: true }, 200);
 * console.log(answer.headers.get("content-type"), await answer.text()); // application/json {"Success":true}
 * ```
 */
export function jsonResponse(value: unknown, status: number): Response {
  const body = encoder.encode(JSON.stringify(value));
  const response = new Response(body, {
    status,
    headers: { "content-type": "application/json" },
  });
  preparedBodies.set(response, body);
  return response;
}

/** An `application/json` answer the front writes as it is, with no `Response` made of it. */
export interface EncodedJson {
  /** HTTP status. */
  readonly status: number;
  /** The JSON's bytes. */
  readonly bytes: Uint8Array;
}

/**
 * `value` as an {@linkcode EncodedJson} answer with `status`: the cheapest answer to write, for
 * what the front's fast lane answers.
 *
 * @example
 * ```ts
 * import { encodedJson } from "./response.ts";
 *
 * console.log(encodedJson({ Success: true }, 200).bytes.length); // 16
 * ```
 */
export function encodedJson(value: unknown, status: number): EncodedJson {
  return { status, bytes: encoder.encode(JSON.stringify(value)) };
}

/**
 * An answer whose body the front writes as its bytes come rather than whole (chunked), as it
 * writes an event stream: for bodies of any size relayed from elsewhere.
 */
export function streamedResponse(
  body: ReadableStream<Uint8Array> | null,
  init: ResponseInit,
): Response {
  const response = new Response(body, init);
  streamedAnswers.add(response);
  return response;
}

/**
 * Writes `response` to `wire`. Resolves whether the connection may carry another request
 * (false when the body had to be delimited by closing it).
 */
export async function writeResponse(
  wire: Wire,
  response: Response | EncodedJson,
  context: AnswerContext,
): Promise<boolean> {
  if (!(response instanceof Response)) {
    const head = statusLine(response.status) + "content-type: application/json\r\n" +
      dateAndConnection(context.keepAlive);
    const body = context.headRequest ? EMPTY : response.bytes;
    await wire.write(
      headAndBody(`${head}content-length: ${response.bytes.length}\r\n\r\n`, body),
      context.idleMs,
    );
    return true;
  }
  const { status } = response;
  let head = statusLine(status) + fieldsOf(response.headers, context.keepAlive);
  if (context.headRequest || status < 200 || status === 204 || status === 304) {
    const declared = response.headers.get("content-length");
    if (context.headRequest && declared !== null) head += `content-length: ${declared}\r\n`;
    await wire.write(encoder.encode(head + "\r\n"), context.idleMs);
    return true;
  }
  // Only event streams and streamed answers are read as streams: `response.body` would make a
  // stream of any body.
  if (!isEventStream(response.headers) && !(streamedAnswers.has(response) && response.body)) {
    const body = preparedBodies.get(response) ?? await response.bytes();
    head += `content-length: ${body.length}\r\n\r\n`;
    await wire.write(headAndBody(head, body), context.idleMs);
    return true;
  }
  const chunked = context.http11;
  head += chunked ? "transfer-encoding: chunked\r\n\r\n" : "\r\n";
  const reader = response.body!.getReader();
  let finished = false;
  try {
    await wire.write(encoder.encode(head), context.idleMs);
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      if (read.value.length > 0) {
        await wire.write(chunked ? chunkOf(read.value) : read.value, context.idleMs);
      }
    }
    if (chunked) await wire.write(encoder.encode("0\r\n\r\n"), context.idleMs);
    finished = true;
    return chunked;
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
  }
}

/**
 * `head` (UTF-8 encoded, as ever) and `body` in one buffer, written in place when the head is
 * ASCII (one byte per character), as heads nearly always are.
 */
function headAndBody(head: string, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(head.length + body.length);
  const { read, written } = encoder.encodeInto(head, bytes);
  if (read !== head.length || written !== head.length) {
    return concatBytes([encoder.encode(head), body]);
  }
  bytes.set(body, written);
  return bytes;
}

/** Whether an answer is an event stream, written as its events come rather than whole. */
function isEventStream(headers: Headers): boolean {
  return headers.get("content-type")?.toLowerCase().startsWith("text/event-stream") ?? false;
}

function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\n`;
}

/** The handler's header fields, without those that frame the answer, plus date and connection. */
function fieldsOf(headers: Headers, keepAlive: boolean): string {
  let text = "";
  for (const [name, value] of headers) {
    if (!FRAMING_HEADERS.has(name)) text += `${name}: ${value}\r\n`;
  }
  return text + dateAndConnection(keepAlive);
}

/** The `Date` field, and `Connection: close` when the connection ends with the answer. */
function dateAndConnection(keepAlive: boolean): string {
  return `date: ${httpDate()}\r\n` + (keepAlive ? "" : "connection: close\r\n");
}

/** The current time as an HTTP date, computed once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** `bytes` framed as one chunk of a chunked body. */
function chunkOf(bytes: Uint8Array): Uint8Array {
  return concatBytes([
    encoder.encode(`${bytes.length.toString(16)}\r\n`),
    bytes,
    encoder.encode("\r\n"),
  ]);
}

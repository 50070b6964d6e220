/**
 * The head of an HTTP/1.x request (request line and header fields), parsed strictly: whatever
 * could frame a body ambiguously (both `Content-Length` and `Transfer-Encoding`, differing
 * lengths, a coding other than `chunked`, folded or malformed lines) is refused with a
 * `BadRequestError` whose message says what to send instead.
 *
 * @example
 * ```ts
 * import { parseRequestHead } from "./head.ts";
 *
 * const head = parseRequestHead(
 *   "POST /invoke/hello HTTP/1.1\r\nHost: 127.0.0.1:1323\r\nContent-Length: 2",
 * );
 * console.log(head.method, head.target, head.contentLength, head.keepAlive); // POST /invoke/hello 2 true
 * ```
 *
 * @module
 */
import { BadRequestError } from "../errors.ts";

/** A parsed request head. */
export interface RequestHead {
  /** Method, as sent (methods are case-sensitive). */
  readonly method: string;
  /** Request target: a path with its query, or an absolute `http://` URL. */
  readonly target: string;
  /** Whether the request is HTTP/1.1 (else HTTP/1.0). */
  readonly http11: boolean;
  /** Header fields in order, names in lower case, values as sent. */
  readonly headers: readonly [string, string][];
  /** The `Host` header without surrounding white space, when there is one. */
  readonly host: string | undefined;
  /** The declared body length; `undefined` without `Content-Length`. */
  readonly contentLength: number | undefined;
  /** Whether the body is sent with `Transfer-Encoding: chunked`. */
  readonly chunked: boolean;
  /** Whether the client keeps the connection open for another request. */
  readonly keepAlive: boolean;
  /** Whether the client waits for `100 Continue` before sending the body. */
  readonly expectContinue: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VERSION = /^HTTP\/1\.[01]$/;
const DIGITS = /^\d+$/;
// deno-lint-ignore no-control-regex
const CONTROL_IN_VALUE = /[\u0000\r\n]/;
const HTTP_WHITESPACE_AROUND = /^[\t\n\r ]+|[\t\n\r ]+$/g;
/** The headers that say how to read the request (the others are only passed on). */
const FRAMING_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "expect",
]);

/**
 * Parses a request head: the text before the empty line that ends it, without that line's
 * CRLF CRLF, each byte one character (latin1).
 *
 * @throws {BadRequestError} when the head is malformed or frames its body ambiguously
 */
export function parseRequestHead(text: string): RequestHead {
  const lines = text.split("\r\n");
  const requestLine = lines[0];
  const parts = requestLine.split(" ");
  if (parts.length !== 3 || !TOKEN.test(parts[0]) || !VERSION.test(parts[2])) {
    throw new BadRequestError(
      `Request line "${shown(requestLine)}" is malformed: send "<method> <path> HTTP/1.1"`,
    );
  }
  const [method, target, version] = parts;
  if (!target.startsWith("/") && !target.startsWith("http://")) {
    throw new BadRequestError(
      `Request target "${shown(target)}" is not a path: send a path such as /status`,
    );
  }
  const http11 = version === "HTTP/1.1";
  const headers: [string, string][] = [];
  let host: string | undefined;
  let hosts = 0;
  const lengths: string[] = [];
  let transferEncoding: string | undefined;
  const connection: string[] = [];
  let expect = "";
  for (let i = 1; i < lines.length; i++) {
    const field = headerField(lines[i]);
    headers.push(field);
    const name = field[0];
    if (!FRAMING_HEADERS.has(name)) continue;
    const value = field[1].trim();
    if (name === "host") {
      host = value;
      hosts++;
    } else if (name === "content-length") {
      lengths.push(...value.split(","));
    } else if (name === "transfer-encoding") {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    } else if (name === "connection") {
      connection.push(...value.toLowerCase().split(","));
    } else if (name === "expect") {
      expect = value.toLowerCase();
    }
  }
  if (http11 && hosts !== 1) {
    throw new BadRequestError(
      hosts === 0
        ? "Request has no Host header: send the node's host name and port in Host"
        : "Request has more than one Host header: send exactly one",
    );
  }
  if (transferEncoding !== undefined && lengths.length > 0) {
    throw new BadRequestError(
      "Request has both Content-Length and Transfer-Encoding: frame the body with one of them",
    );
  }
  if (transferEncoding !== undefined && (!http11 || transferEncoding.toLowerCase() !== "chunked")) {
    throw new BadRequestError(
      `Transfer-Encoding "${shown(transferEncoding)}" is not supported: send the body with ` +
        "Content-Length, or chunked over HTTP/1.1",
    );
  }
  const tokens = connection.map((t) => t.trim());
  return {
    method,
    target,
    http11,
    headers,
    host,
    contentLength: declaredLength(lengths),
    chunked: transferEncoding !== undefined,
    keepAlive: http11 ? !tokens.includes("close") : tokens.includes("keep-alive"),
    expectContinue: expect === "100-continue",
  };
}

/**
 * One header line as `[lower-case name, value]`, checked as `Headers` checks them (a name is a
 * token, a value holds no NUL, CR or LF), so that a request is refused the same way whether a
 * `Request` is made of it or not; the value is trimmed here only for the headers that frame the
 * request.
 */
function headerField(line: string): [string, string] {
  const colon = line.indexOf(":");
  if (colon < 1 || !TOKEN.test(line.slice(0, colon))) {
    throw new BadRequestError(
      `Header line "${shown(line)}" is malformed: send "<name>: <value>" lines, none folded`,
    );
  }
  const value = line.slice(colon + 1);
  if (CONTROL_IN_VALUE.test(value)) {
    throw new BadRequestError(
      `Header line "${shown(line)}" has a NUL, CR or LF in its value: send the value without`,
    );
  }
  return [line.slice(0, colon).toLowerCase(), value];
}

/**
 * The value of header `name` (any case) as `Headers.get` gives it: trimmed, the values of a
 * repeated header joined by `, `; `undefined` when the request has none.
 *
 * @example
 * ```ts
 * import { headerValue, parseRequestHead } from "./head.ts";
 *
 * const head = parseRequestHead("GET / HTTP/1.1\r\nHost: a\r\nAccept: x \r\naccept: y");
 * console.log(headerValue(head, "accept")); // x, y
 * ```
 */
export function headerValue(head: RequestHead, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let joined: string | undefined;
  for (const [field, value] of head.headers) {
    if (field !== wanted) continue;
    const trimmed = value.replace(HTTP_WHITESPACE_AROUND, "");
    joined = joined === undefined ? trimmed : `${joined}, ${trimmed}`;
  }
  return joined;
}

/** The body length the `Content-Length` values declare; all of them must agree. */
function declaredLength(values: readonly string[]): number | undefined {
  if (values.length === 0) return undefined;
  if (values.length === 1 && DIGITS.test(values[0])) return Number(values[0]);
  const trimmed = values.map((v) => v.trim());
  if (!trimmed.every((v) => DIGITS.test(v)) || trimmed.some((v) => v !== trimmed[0])) {
    throw new BadRequestError(
      `Content-Length "${shown(values.join(","))}" is not one number: send the body's size once`,
    );
  }
  return Number(trimmed[0]);
}

/** Text quoted in a message: at most 80 characters, control characters escaped. */
export function shown(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  // deno-lint-ignore no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u00ff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

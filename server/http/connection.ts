/**
 * One client connection, request after request (keep-alive): read the head under the header
 * deadline and a size limit, refuse a declared body over the limit before reading any of it,
 * hand the handler a `Request` whose body is read on demand, write its answer, and go on with
 * the next request or close. A connection closed with part of a body unread first stops
 * writing and reads the rest away for a moment, so that the client sees the answer rather
 * than a reset.
 *
 * @module
 */
import {
  answerToError,
  BadRequestError,
  errorResponse,
  HeadTooLargeError,
  HttpError,
  RequestTimeoutError,
} from "../errors.ts";
import { type BodyRules, bodyTooLarge, RequestBody } from "./body.ts";
import { indexOfCrlf, indexOfHeadEnd } from "./bytes.ts";
import { parseRequestHead, type RequestHead } from "./head.ts";
import { type EncodedJson, writeResponse } from "./response.ts";
import { Wire } from "./wire.ts";

/** What a request is handed to, as `Deno.serve` hands it (a Hono app's `fetch` is one). */
export type HttpHandler = (
  request: Request,
  info: RequestInfo,
) => Response | Promise<Response>;

/** Facts about a request besides the `Request` itself. */
export interface RequestInfo {
  /** The client's address. */
  readonly remoteAddr: Deno.NetAddr;
}

/** A request as the front parsed it, with the whole of its body. */
export interface ParsedRequest {
  /** Its head (request line and header fields). */
  readonly head: RequestHead;
  /** Its body (empty without one). */
  readonly body: Uint8Array;
}

/**
 * Serves some requests from their parsed head and body, before the handler and without the
 * `Request` and routing the handler needs (on the node, a sixth of a warm invocation's CPU);
 * resolves `undefined` for a request it leaves to the handler, before doing anything with it.
 * It is offered only requests whose body came whole with the head.
 */
export type FastLane = (
  request: ParsedRequest,
  info: RequestInfo,
) => Promise<Response | EncodedJson | undefined> | undefined;

/** The rules every connection is served under. */
export interface ConnectionRules extends BodyRules {
  /** Milliseconds a client has to send a request head (`api.timeout.header`). */
  readonly headerTimeoutMs: number;
}

/** Largest request head (request line and headers), bytes. */
export const MAX_HEAD_BYTES = 64 * 1024;

const LINGER_MS = 2000;
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%-]+)(:\d{1,5})?$/;
const encoder = new TextEncoder();
const CONTINUE = encoder.encode("HTTP/1.1 100 Continue\r\n\r\n");
const NO_BODY = new Uint8Array(0);

/** Serves the requests of one connection. */
export class HttpConnection {
  /** The connection's bytes and deadlines (the server's sweeper expires them). */
  readonly wire: Wire;
  readonly #conn: Deno.Conn;
  readonly #info: RequestInfo;
  readonly #handler: HttpHandler;
  readonly #lane: FastLane | undefined;
  readonly #rules: ConnectionRules;
  readonly #stopping: () => boolean;
  #waiting = true;

  /**
   * @param conn the accepted connection
   * @param handler what requests are handed to
   * @param rules limits and deadlines
   * @param stopping whether the server is shutting down (then no request follows an answer)
   * @param lane what may serve a request before `handler`
   */
  constructor(
    conn: Deno.Conn,
    handler: HttpHandler,
    rules: ConnectionRules,
    stopping: () => boolean,
    lane?: FastLane,
  ) {
    this.#conn = conn;
    this.#info = { remoteAddr: conn.remoteAddr as Deno.NetAddr };
    this.wire = new Wire(conn);
    this.#handler = handler;
    this.#lane = lane;
    this.#rules = rules;
    this.#stopping = stopping;
  }

  /** Serves requests until the connection ends; never rejects. */
  async serve(): Promise<void> {
    try {
      let head: RequestHead | undefined;
      while ((head = await this.#nextHead()) && await this.#answer(head)) {
        // the next request on the same connection
      }
    } catch (error) {
      if (error instanceof HttpError) await this.#refuse(error);
      else if (!isConnectionLoss(error)) console.error("HTTP connection failed:", error);
    } finally {
      this.wire.close();
    }
  }

  /** Closes the connection when it waits for a request and has received none of it. */
  closeIfIdle(): void {
    if (this.#waiting && this.wire.buffered.length === 0) this.wire.close();
  }

  /** The next request head; `undefined` when the connection ends or the server stops first. */
  async #nextHead(): Promise<RequestHead | undefined> {
    this.#waiting = true;
    const deadline = performance.now() + this.#rules.headerTimeoutMs;
    let scanned = 0;
    for (;;) {
      while (indexOfCrlf(this.wire.buffered, 0) === 0) this.wire.consume(2);
      const end = indexOfHeadEnd(this.wire.buffered, scanned - 3);
      if (end !== -1) {
        this.#waiting = false;
        const text = this.wire.takeText(end);
        this.wire.consume(4);
        return parseRequestHead(text);
      }
      scanned = this.wire.buffered.length;
      if (scanned >= MAX_HEAD_BYTES) {
        throw new HeadTooLargeError(
          `Request head is larger than ${MAX_HEAD_BYTES} bytes: send fewer or shorter headers`,
        );
      }
      if (scanned === 0 && this.#stopping()) return undefined;
      let more: boolean;
      try {
        more = await this.wire.fill(deadline, () => this.#headTimeout(), MAX_HEAD_BYTES);
      } catch (error) {
        if (error instanceof HttpError && this.wire.buffered.length > 0) throw error;
        return undefined;
      }
      if (!more) return undefined;
    }
  }

  /** Answers one request; resolves whether the connection may carry another one. */
  async #answer(head: RequestHead): Promise<boolean> {
    const length = head.contentLength ?? 0;
    if (length > this.#rules.limitBytes) throw bodyTooLarge(this.#rules.limitBytes);
    const hasBody = head.chunked || length > 0;
    if (hasBody && (head.method === "GET" || head.method === "HEAD")) {
      throw new BadRequestError(`A ${head.method} request may not carry a body: send it without`);
    }
    const body = hasBody
      ? new RequestBody(
        this.wire,
        head.chunked ? { chunked: true } : { length },
        this.#rules,
        () => this.#sendContinue(head),
      )
      : undefined;
    const url = this.#url(head);
    const content = body === undefined ? undefined : body.takeBuffered() ?? body.stream();
    const whole = content instanceof ReadableStream ? undefined : content ?? NO_BODY;
    let response = whole && this.#lane &&
      await answering(head, () => this.#lane!({ head, body: whole }, this.#info));
    if (!response) {
      const request = this.#request(head, url, content);
      response = await answering(head, () => this.#handler(request, this.#info));
    }
    body?.skipBuffered();
    const complete = body === undefined || body.complete;
    const keepAlive = head.keepAlive && complete && !this.#stopping();
    let reusable: boolean;
    try {
      reusable = await writeResponse(this.wire, response, {
        headRequest: head.method === "HEAD",
        http11: head.http11,
        keepAlive,
        idleMs: this.#rules.idleMs,
      }) && keepAlive;
    } finally {
      body?.release();
    }
    if (!complete && !this.wire.stuck) await this.#linger();
    return reusable;
  }

  /**
   * The URL of `head`'s target: from the `Host` header (or the address it came to) unless the
   * target is one already.
   *
   * @throws {BadRequestError} when `Host` is not a host name or address
   */
  #url(head: RequestHead): string {
    if (head.target.startsWith("http://")) return head.target;
    const local = this.#conn.localAddr as Deno.NetAddr;
    const host = head.host ??
      (local.hostname.includes(":") ? `[${local.hostname}]` : local.hostname) + `:${local.port}`;
    if (!HOST.test(host)) {
      throw new BadRequestError(
        `Host "${host.slice(0, 80)}" is not a host name or address: send the node's own`,
      );
    }
    return `http://${host}${head.target}`;
  }

  /** The `Request` of `head` to `url` with body `content`. */
  #request(
    head: RequestHead,
    url: string,
    content: Uint8Array | ReadableStream<Uint8Array> | undefined,
  ): Request {
    try {
      const request = new Request(url, {
        method: head.method,
        body: content,
        duplex: "half",
      } as RequestInit);
      // Appended one by one rather than given to the constructor: the same checks of each name
      // and value, without converting the list as a whole first (a few µs per request).
      const headers = request.headers;
      for (const [name, value] of head.headers) headers.append(name, value);
      return request;
    } catch (error) {
      throw new BadRequestError(`Request is malformed: ${(error as Error).message}`);
    }
  }

  /** Sends `100 Continue` when the client waits for it before sending the body. */
  async #sendContinue(head: RequestHead): Promise<void> {
    if (head.expectContinue && head.http11) await this.wire.write(CONTINUE, this.#rules.idleMs);
  }

  /**
   * Answers an error found in the request's head or framing, before the connection is closed.
   */
  async #refuse(error: HttpError): Promise<void> {
    if (this.wire.closed) return;
    try {
      await writeResponse(this.wire, errorResponse(error), {
        headRequest: false,
        http11: true,
        keepAlive: false,
        idleMs: this.#rules.idleMs,
      });
      if (!this.wire.stuck) await this.#linger();
    } catch {
      // the client is gone
    }
  }

  /** Stops writing, then reads away what the client still sends, for a moment. */
  async #linger(): Promise<void> {
    await this.wire.closeWrite();
    const until = performance.now() + LINGER_MS;
    try {
      while (await this.wire.fill(until, () => this.#headTimeout())) {
        this.wire.consume(this.wire.buffered.length);
      }
    } catch {
      // the moment is over, or the client is gone
    }
  }

  #headTimeout(): HttpError {
    return new RequestTimeoutError(
      `Request head did not arrive within ${this.#rules.headerTimeoutMs / 1000} s ` +
        "(api.timeout.header): send it at once",
    );
  }
}

/** What `serve` resolves, or the answer to what it throws. */
async function answering<T extends Response | EncodedJson | undefined>(
  head: RequestHead,
  serve: () => T | Promise<T>,
): Promise<T | Response> {
  try {
    return await serve();
  } catch (error) {
    return answerToError(error, `${head.method} ${head.target}`);
  }
}

/** Whether `error` only says that the client went away (nothing to log). */
function isConnectionLoss(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.UnexpectedEof;
}

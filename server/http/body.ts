/**
 * The body of one request as the stream its `Request` carries, read from the connection only
 * when the handler asks for it: framed by `Content-Length` or chunked, copied into buffers of
 * exactly the bytes that arrived (never sized from a declared length), each byte counted
 * against the node's {@linkcode BodyBudget} as it arrives and given back once the request has
 * been answered. A stall longer than the idle timeout, or a body slower than the body timeout,
 * fails the stream with a 408; a chunked body over the limit with a 413; the budget running out
 * with a 503. These errors reach the handler as the rejection of `request.text()` and the like.
 *
 * @module
 */
import {
  BadRequestError,
  type HttpError,
  PayloadTooLargeError,
  RequestTimeoutError,
  UnavailableError,
} from "../errors.ts";
import type { BodyBudget } from "./budget.ts";
import { indexOfCrlf } from "./bytes.ts";
import type { Wire } from "./wire.ts";

/** Limits and deadlines every request body is read under. */
export interface BodyRules {
  /** Largest body, bytes (`api.body.limit`). */
  readonly limitBytes: number;
  /** Body bytes all requests may hold together. */
  readonly budget: BodyBudget;
  /** Milliseconds a body may stall (`api.timeout.idle`). */
  readonly idleMs: number;
  /** Milliseconds a whole body may take, from the handler's first read (`api.timeout.body`). */
  readonly totalMs: number;
}

/** How a body is delimited: a declared length, or chunked transfer coding. */
export type BodyFraming = { readonly length: number } | { readonly chunked: true };

/** Seconds a client refused for the budget is asked to wait. */
const RETRY_AFTER_SECONDS = 2;
const MAX_LINE_BYTES = 4096;
const MAX_TRAILER_LINES = 32;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,8})[ \t]*(;.*)?$/;
/**
 * Bytes read between two turns of the event loop. Reads of bytes that have arrived already
 * complete at once, so a large body would otherwise be read to its end before anything else
 * (a warm invoke) is served.
 */
const YIELD_EVERY_BYTES = 1024 * 1024;

type ChunkedState = "size" | "data" | "data-end" | "trailers";

/** One request's body, read on demand. */
export class RequestBody {
  readonly #wire: Wire;
  readonly #rules: BodyRules;
  readonly #beforeFirstRead: () => Promise<void>;
  readonly #chunked: boolean;
  #remaining: number;
  #received = 0;
  #receivedAtYield = 0;
  #taken = 0;
  #complete = false;
  #deadline = Infinity;
  #state: ChunkedState = "size";
  #trailerLines = 0;

  /**
   * @param wire the connection the body arrives on (its buffer may hold the first bytes)
   * @param framing how the body is delimited
   * @param rules limits and deadlines
   * @param beforeFirstRead run once before the first byte is read (sends `100 Continue`)
   */
  constructor(
    wire: Wire,
    framing: BodyFraming,
    rules: BodyRules,
    beforeFirstRead: () => Promise<void>,
  ) {
    this.#wire = wire;
    this.#rules = rules;
    this.#beforeFirstRead = beforeFirstRead;
    this.#chunked = "chunked" in framing;
    this.#remaining = "length" in framing ? framing.length : 0;
  }

  /**
   * The whole body, consumed, when all of it came with the head already (most small bodies
   * do); `undefined`, with nothing consumed, when some of it is still to be read or it is
   * chunked.
   *
   * @throws {UnavailableError} when the bytes at hand do not fit in the budget
   */
  takeBuffered(): Uint8Array | undefined {
    if (this.#chunked || this.#wire.buffered.length < this.#remaining) return undefined;
    const bytes = this.#take(this.#remaining);
    this.#remaining = 0;
    this.#complete = true;
    return bytes;
  }

  /** The body as a stream that reads it from the connection when pulled. */
  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: (controller) => this.#chunked ? this.#pullChunked(controller) : this.#pull(controller),
    }, { highWaterMark: 0 });
  }

  /** Whether every byte of the body was read, so the connection may carry another request. */
  get complete(): boolean {
    return this.#complete;
  }

  /**
   * Skips the rest of a body the handler did not read when it is all received already (a small
   * body sent with its head), so that the connection may carry another request.
   */
  skipBuffered(): void {
    if (this.#complete || this.#chunked || this.#wire.buffered.length < this.#remaining) return;
    this.#wire.consume(this.#remaining);
    this.#remaining = 0;
    this.#complete = true;
  }

  /** Gives back to the budget the bytes this body took (once its request was answered). */
  release(): void {
    this.#rules.budget.release(this.#taken);
    this.#taken = 0;
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (this.#remaining > 0) {
      if (this.#wire.buffered.length === 0) await this.#fill();
      const n = Math.min(this.#wire.buffered.length, this.#remaining);
      this.#enqueue(controller, n);
      this.#remaining -= n;
    }
    if (this.#remaining === 0) this.#end(controller);
  }

  async #pullChunked(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      if (this.#state === "size") {
        const line = await this.#line();
        const match = CHUNK_SIZE.exec(line);
        if (!match) {
          throw new BadRequestError(
            `Chunk size line "${line.slice(0, 40)}" is malformed: send a hexadecimal size`,
          );
        }
        const size = parseInt(match[1], 16);
        if (size === 0) {
          this.#state = "trailers";
        } else {
          if (this.#received + size > this.#rules.limitBytes) {
            throw bodyTooLarge(this.#rules.limitBytes);
          }
          this.#remaining = size;
          this.#state = "data";
        }
      } else if (this.#state === "data") {
        if (this.#wire.buffered.length === 0) await this.#fill();
        const n = Math.min(this.#wire.buffered.length, this.#remaining);
        this.#enqueue(controller, n);
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = "data-end";
        return;
      } else if (this.#state === "data-end") {
        if (await this.#line() !== "") {
          throw new BadRequestError("Chunk data is longer than its size: send exact chunk sizes");
        }
        this.#state = "size";
      } else {
        if (await this.#line() === "") return this.#end(controller);
        if (++this.#trailerLines > MAX_TRAILER_LINES) {
          throw new BadRequestError(
            `Request has more than ${MAX_TRAILER_LINES} trailer lines: send fewer`,
          );
        }
      }
    }
  }

  /** Passes on `n` buffered bytes as a chunk of their own. */
  #enqueue(controller: ReadableStreamDefaultController<Uint8Array>, n: number): void {
    controller.enqueue(this.#take(n));
  }

  /** A copy of `n` buffered bytes, consumed and taken from the budget. */
  #take(n: number): Uint8Array {
    if (!this.#rules.budget.take(n)) {
      throw new UnavailableError(
        `The node holds ${this.#rules.budget.limit} bytes of request bodies already ` +
          "(api.body.budget): retry shortly",
        { headers: { "retry-after": String(RETRY_AFTER_SECONDS) } },
      );
    }
    this.#taken += n;
    this.#received += n;
    const bytes = this.#wire.buffered.slice(0, n);
    this.#wire.consume(n);
    return bytes;
  }

  #end(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#complete = true;
    controller.close();
  }

  /** The next CRLF-ended line of a chunked body, without its CRLF. */
  async #line(): Promise<string> {
    for (;;) {
      const end = indexOfCrlf(this.#wire.buffered, 0);
      if (end !== -1) {
        const line = this.#wire.takeText(end);
        this.#wire.consume(2);
        return line;
      }
      if (this.#wire.buffered.length > MAX_LINE_BYTES) {
        throw new BadRequestError(
          `A line of the chunked body is longer than ${MAX_LINE_BYTES} bytes: send shorter lines`,
        );
      }
      await this.#fill();
    }
  }

  /** Reads more body bytes under the idle and total deadlines; the end of the stream is an error. */
  async #fill(): Promise<void> {
    if (this.#received - this.#receivedAtYield >= YIELD_EVERY_BYTES) {
      this.#receivedAtYield = this.#received;
      await yieldToEventLoop();
    }
    const now = performance.now();
    if (this.#deadline === Infinity) {
      await this.#beforeFirstRead();
      this.#deadline = now + this.#rules.totalMs;
    }
    const deadline = Math.min(now + this.#rules.idleMs, this.#deadline);
    const arrived = await this.#wire.fill(deadline, () => this.#timeout());
    if (!arrived) {
      throw new BadRequestError(
        `The connection ended after ${this.#received} bytes of the request body: send all of it`,
      );
    }
  }

  #timeout(): HttpError {
    if (performance.now() >= this.#deadline) {
      return new RequestTimeoutError(
        `Request body did not arrive within ${this.#rules.totalMs / 1000} s (api.timeout.body): ` +
          "send it faster",
      );
    }
    return new RequestTimeoutError(
      `Request body stalled for ${this.#rules.idleMs / 1000} s (api.timeout.idle): ` +
        "send it without pauses",
    );
  }
}

/** Resolves on a later turn of the event loop, after what is waiting there. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The 413 of a body over `limitBytes`, declared or received. */
export function bodyTooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `Request body is larger than ${limitBytes} bytes (the limit, api.body.limit): send less`,
  );
}

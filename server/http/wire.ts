/**
 * One client connection's bytes, both ways, under deadlines: a read buffer filled from the
 * socket, and writes. Each read or write may carry a deadline; {@linkcode Wire.expire}, called
 * by the server's sweeper, fails a read that passed its deadline with the error it was given
 * (the socket stays open, so an answer can still be written) and closes the connection under a
 * write that passed its deadline.
 *
 * @module
 */
import type { HttpError } from "../errors.ts";
import { makeRoom } from "./bytes.ts";

const READ_CHUNK = 16 * 1024;
const latin1 = new TextDecoder("latin1");

/** What a pending read or write does when its deadline passes. */
interface Deadline {
  at: number;
  expire(): void;
}

/** A connection's buffered bytes and writes, with deadlines. */
export class Wire {
  readonly #conn: Deno.Conn;
  #buffer = new Uint8Array(READ_CHUNK);
  #start = 0;
  #end = 0;
  #deadline: Deadline | undefined;
  #readPending = false;
  #closed = false;

  /** @param conn the accepted connection */
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Bytes received and not consumed yet (a view, valid until the next fill). */
  get buffered(): Uint8Array {
    return this.#buffer.subarray(this.#start, this.#end);
  }

  /**
   * Whether a read of the socket is still pending after its deadline passed: the connection
   * can then only be answered and closed.
   */
  get stuck(): boolean {
    return this.#readPending;
  }

  /** Whether the connection was closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the first `n` buffered bytes as consumed. */
  consume(n: number): void {
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
  }

  /**
   * The first `n` buffered bytes as text, consumed: one character per byte, as the WHATWG
   * `latin1` decoding maps them (ASCII as is; a request head has nothing else that matters).
   */
  takeText(n: number): string {
    const text = latin1.decode(this.#buffer.subarray(this.#start, this.#start + n));
    this.consume(n);
    return text;
  }

  /**
   * Reads more bytes into the buffer, keeping what is buffered; the buffer grows up to
   * `maxBuffered` bytes. Resolves false at the end of the stream.
   *
   * @param deadline `performance.now()` time by which bytes must arrive
   * @param timeout the error the read fails with when the deadline passes
   */
  async fill(
    deadline: number,
    timeout: () => HttpError,
    maxBuffered: number = READ_CHUNK,
  ): Promise<boolean> {
    ({ buffer: this.#buffer, start: this.#start, end: this.#end } = makeRoom(
      { buffer: this.#buffer, start: this.#start, end: this.#end },
      maxBuffered,
    ));
    if (this.#end === this.#buffer.length) throw new Error("The read buffer is full");
    const read = this.#conn.read(this.#buffer.subarray(this.#end));
    this.#readPending = true;
    const n = await this.#withDeadline(read, deadline, timeout);
    if (n === null) return false;
    this.#end += n;
    return true;
  }

  /** Writes all of `bytes`; the connection is closed when a write stalls past `idleMs`. */
  async write(bytes: Uint8Array, idleMs: number): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const mine: Deadline = { at: performance.now() + idleMs, expire: () => this.close() };
      this.#deadline = mine;
      try {
        written += await this.#conn.write(written === 0 ? bytes : bytes.subarray(written));
      } finally {
        if (this.#deadline === mine) this.#deadline = undefined;
      }
    }
  }

  /** Stops writing (the client then sees the end of the answer stream), keeps reading. */
  async closeWrite(): Promise<void> {
    try {
      await (this.#conn as Deno.TcpConn).closeWrite();
    } catch {
      // closed already
    }
  }

  /** Fails or ends what passed its deadline by `now` (a `performance.now()` time). */
  expire(now: number): void {
    const deadline = this.#deadline;
    if (deadline !== undefined && deadline.at <= now) {
      this.#deadline = undefined;
      deadline.expire();
    }
  }

  /** Closes the connection; pending reads and writes fail. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // closed already
    }
  }

  /**
   * `read`, failed with `timeout()` when `deadline` passes first; the read then stays pending
   * ({@linkcode Wire.stuck}) until it ends or the connection is closed.
   */
  #withDeadline(
    read: Promise<number | null>,
    deadline: number,
    timeout: () => HttpError,
  ): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const mine: Deadline = { at: deadline, expire: () => reject(timeout()) };
      this.#deadline = mine;
      const settle = () => {
        this.#readPending = false;
        if (this.#deadline === mine) this.#deadline = undefined;
      };
      read.then((n) => {
        settle();
        resolve(n);
      }, (error) => {
        settle();
        reject(error);
      });
    });
  }
}

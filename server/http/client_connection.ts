/**
 * One client connection's bytes: a read buffer filled from the socket, and writes. While the
 * connection is idle between requests a read stays pending on it ({@linkcode ClientConnection.sleep}),
 * so the client learns at once when the server closes it or sends bytes nobody asked for; the
 * next request takes that read over ({@linkcode ClientConnection.wake}). An idle connection
 * does not keep the process alive.
 *
 * @module
 */

import { makeRoom, type ReadBuffer } from "./bytes.ts";

const READ_CHUNK = 16 * 1024;

/** A connection to a server, with its read buffer. */
export class ClientConnection {
  readonly #conn: Deno.Conn;
  #read: ReadBuffer = { buffer: new Uint8Array(READ_CHUNK), start: 0, end: 0 };
  /** The read started while idle, into the buffer at `#end`. */
  #pending: Promise<number | null> | undefined;
  #idle = false;
  #closed = false;
  /**
   * Settles when the last request's turn ends: whether the connection goes on after it (only
   * read while a turn is taken).
   */
  #lastTurn: Promise<boolean> | undefined;
  #turnsTaken = 0;
  /** The write under way, which the next one waits for. */
  #writing: Promise<void> | undefined;

  /** @param conn an open connection */
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Requests written (or being written) on the connection whose turn has not ended. */
  get turnsTaken(): number {
    return this.#turnsTaken;
  }

  /**
   * The next request's turn, behind those taken: `ahead` (absent when no turn is under way)
   * resolves once the turn before it ended, true when every answer before came whole and left
   * the connection open; `end` ends this one, saying whether its answer did.
   */
  takeTurn(): { ahead?: Promise<boolean>; end: (goesOn: boolean) => void } {
    const ahead = this.#turnsTaken > 0 ? this.#lastTurn : undefined;
    let settle!: (goesOn: boolean) => void;
    const turn = new Promise<boolean>((resolve) => settle = resolve);
    this.#lastTurn = turn;
    this.#turnsTaken++;
    let ended = false;
    return {
      ahead,
      end: (goesOn) => {
        if (ended) return;
        ended = true;
        this.#turnsTaken--;
        if (ahead) ahead.then((aheadWent) => settle(aheadWent && goesOn));
        else settle(goesOn);
      },
    };
  }

  /** Number of bytes received and not consumed. */
  get buffered(): number {
    return this.#read.end - this.#read.start;
  }

  /** Bytes received and not consumed (a view, valid until the next fill). */
  get bytes(): Uint8Array {
    return this.#read.buffer.subarray(this.#read.start, this.#read.end);
  }

  /** Marks the first `n` buffered bytes as consumed. */
  consume(n: number): void {
    this.#read.start += n;
    if (this.#read.start === this.#read.end) this.#read.start = this.#read.end = 0;
  }

  /**
   * Reads more bytes into the buffer, which grows up to `maxBuffered` bytes; resolves false at
   * the end of the stream.
   */
  async fill(maxBuffered: number): Promise<boolean> {
    let reading = this.#pending;
    this.#pending = undefined;
    if (reading === undefined) {
      this.#read = makeRoom(this.#read, maxBuffered);
      if (this.#read.end === this.#read.buffer.length) throw new Error("The read buffer is full");
      reading = this.#conn.read(this.#read.buffer.subarray(this.#read.end));
    }
    const n = await reading;
    if (n === null) return false;
    this.#read.end += n;
    return true;
  }

  /** Fills `target` with the buffered bytes, then straight from the socket. */
  async readExactly(target: Uint8Array): Promise<boolean> {
    const taken = Math.min(this.buffered, target.length);
    target.set(this.#read.buffer.subarray(this.#read.start, this.#read.start + taken));
    this.consume(taken);
    let filled = taken;
    while (filled < target.length) {
      const n = await this.#conn.read(target.subarray(filled));
      if (n === null) return false;
      filled += n;
    }
    return true;
  }

  /** Writes all of `bytes`, after the write under way (so that two never interleave). */
  async write(bytes: Uint8Array): Promise<void> {
    const before = this.#writing;
    let done!: () => void;
    const writing = new Promise<void>((resolve) => done = resolve);
    this.#writing = writing;
    try {
      if (before) await before;
      let written = 0;
      while (written < bytes.length) {
        written += await this.#conn.write(written === 0 ? bytes : bytes.subarray(written));
      }
    } finally {
      if (this.#writing === writing) this.#writing = undefined;
      done();
    }
  }

  /**
   * Idles the connection: a read stays pending, and when the server closes the connection or
   * sends anything before {@linkcode ClientConnection.wake}, the connection is closed and
   * `onLost` called.
   */
  sleep(onLost: () => void): void {
    this.#idle = true;
    this.#conn.unref();
    const reading = this.#conn.read(this.#read.buffer.subarray(this.#read.end));
    this.#pending = reading;
    const lost = () => {
      if (!this.#idle) return;
      this.close();
      onLost();
    };
    reading.then(lost, lost);
  }

  /** Takes an idle connection back for a request; the read pending while idle goes on. */
  wake(): this {
    this.#idle = false;
    this.#conn.ref();
    return this;
  }

  /** Closes the connection; pending reads and writes fail. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle = false;
    this.#pending?.catch(() => {});
    try {
      this.#conn.close();
    } catch {
      // closed already
    }
  }
}

/**
 * The benchmarks' load client: one keep-alive HTTP/1.1 connection over `Deno.connect` that
 * sends a request prepared once and reads answers framed by `Content-Length` (the node always
 * sends one). It costs a fraction of `fetch`'s CPU per request, which matters on a small box
 * where client, node and containers share the cores.
 *
 * @module
 */

const CR = 13;
const LF = 10;
/** Length of the blank line that ends a head, `\r\n\r\n`. */
const BLANK_LINE = 4;
const decoder = new TextDecoder();

/**
 * The bytes of a `POST` of `body` as JSON to `url` (its host and port name the `Host`).
 *
 * @example
 * ```ts
 * import { jsonPost } from "./http_load.ts";
 *
 * const bytes = jsonPost("http://127.0.0.1:1323/invoke/hello", { Params: {} });
 * console.log(new TextDecoder().decode(bytes).split("\r\n")[0]); // POST /invoke/hello HTTP/1.1
 * ```
 */
export function jsonPost(url: string, body: unknown): Uint8Array {
  const { host, pathname, search } = new URL(url);
  const payload = new TextEncoder().encode(JSON.stringify(body));
  const head = `POST ${pathname}${search} HTTP/1.1\r\nHost: ${host}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
  const bytes = new Uint8Array(head.length + payload.length);
  bytes.set(new TextEncoder().encode(head));
  bytes.set(payload, head.length);
  return bytes;
}

/** One answer: its status and body. */
export interface Answer {
  /** HTTP status. */
  status: number;
  /** The body's bytes. */
  body: Uint8Array;
}

/**
 * A keep-alive connection to `hostname:port`, opened on first use and again after the server
 * closed it; one request at a time.
 */
export class KeepAliveConnection {
  readonly #address: Deno.ConnectOptions;
  #conn: Deno.TcpConn | undefined;
  #buffer = new Uint8Array(16 * 1024);
  #filled = 0;

  /** @param url the server's base URL (`http://host:port`) */
  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.#address = { hostname, port: Number(port || 80) };
  }

  /** Opens the connection now (so that a burst's requests all leave at once). */
  async open(): Promise<void> {
    if (this.#conn) return;
    this.#conn = await Deno.connect(this.#address);
    this.#conn.setNoDelay(true);
    this.#filled = 0;
  }

  /** Sends `request` (from {@linkcode jsonPost}) and resolves its answer. */
  async send(request: Uint8Array): Promise<Answer> {
    await this.open();
    const conn = this.#conn!;
    try {
      for (let sent = 0; sent < request.length;) {
        sent += await conn.write(request.subarray(sent));
      }
      return await this.#answer(conn);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Closes the connection (a later `send` opens a new one). */
  close(): void {
    this.#conn?.close();
    this.#conn = undefined;
  }

  async #answer(conn: Deno.TcpConn): Promise<Answer> {
    let headEnd: number;
    let scanned = 0;
    while ((headEnd = this.#headEnd(scanned)) < 0) {
      scanned = Math.max(0, this.#filled - 3);
      await this.#read(conn);
    }
    const head = decoder.decode(this.#buffer.subarray(0, headEnd));
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
    if (!length) throw new Error(`Answer ${status} without Content-Length`);
    const total = headEnd + BLANK_LINE + Number(length[1]);
    while (this.#filled < total) await this.#read(conn);
    const body = this.#buffer.slice(headEnd + BLANK_LINE, total);
    this.#buffer.copyWithin(0, total, this.#filled);
    this.#filled -= total;
    if (/\r\nconnection:[ \t]*close/i.test(head)) this.close();
    return { status, body };
  }

  /** Reads more bytes into the buffer (growing it when full). */
  async #read(conn: Deno.TcpConn): Promise<void> {
    if (this.#filled === this.#buffer.length) {
      const larger = new Uint8Array(this.#buffer.length * 2);
      larger.set(this.#buffer);
      this.#buffer = larger;
    }
    const n = await conn.read(this.#buffer.subarray(this.#filled));
    if (n === null) throw new Error("The server closed the connection");
    this.#filled += n;
  }

  /** Index of the blank line ending the head in the buffer's filled part from `from`, or -1. */
  #headEnd(from: number): number {
    const b = this.#buffer;
    for (let i = from; i + 3 < this.#filled; i++) {
      if (b[i] === CR && b[i + 1] === LF && b[i + 2] === CR && b[i + 3] === LF) return i;
    }
    return -1;
  }
}

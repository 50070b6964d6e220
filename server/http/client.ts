/**
 * A lean HTTP/1.1 client for one server, over a Unix domain socket or TCP: each request is
 * written in one write on a kept-alive connection (one per concurrent request, idle ones kept
 * for the next), and the answer is read strictly (see `client_response.ts`). An idle
 * connection keeps a read pending, so one the server closed, or that received bytes nobody
 * asked for, is dropped at once instead of failing the next request. Failures say what went
 * wrong ({@linkcode HttpClientFailure}); aborting the request's signal closes its connection.
 *
 * A request may be pipelined ({@linkcode ClientRequest.after}): written at once behind the one
 * request under way on a connection, its answer read after that one's, so that a server which
 * answers a connection's requests one at a time goes from one to the next without waiting for
 * the client. When the request ahead gets no complete answer, or its answer closes the
 * connection, the one behind fails as `displaced`: such a server had not answered it.
 *
 * @example
 * ```ts
 * import { HttpClient } from "./client.ts";
 *
 * const client = new HttpClient({ transport: "tcp", hostname: "127.0.0.1", port: 8080 });
 * console.log(client.label); // http://127.0.0.1:8080
 * client.close();
 * ```
 *
 * @module
 */
import { ClientConnection } from "./client_connection.ts";
import { HttpClientError, readResponse, type ResponseLimits } from "./client_response.ts";

export { HttpClientError, type HttpClientFailure } from "./client_response.ts";

/** Where a client connects: a Unix domain socket, or a TCP port. */
export type HttpAddress =
  | { transport: "unix"; path: string }
  | { transport: "tcp"; hostname: string; port: number };

/** One request. */
export interface ClientRequest {
  /** Method, e.g. `GET` or `POST`. */
  method: string;
  /** Request target: a path with its query. */
  path: string;
  /** Body bytes, sent with `Content-Length`; none when absent. */
  body?: Uint8Array;
  /** `Content-Type` of the body. */
  contentType?: string;
  /** More header fields (not `Host`, `Content-Length` or `Content-Type`, which are set above). */
  headers?: Iterable<[string, string]>;
  /** Aborting it closes the connection; the request then fails with `aborted`. */
  signal?: AbortSignal;
  /**
   * Pipelines the request: when a connection has one request under way, it is written behind
   * that one at once (its signal only counts from its turn); else it is sent once `after`
   * settles, as any request. For a server that answers a connection's requests one at a time,
   * in order, with `after` settling when the request ahead ends.
   */
  after?: Promise<unknown>;
}

/** A complete answer, its body read. */
export interface ClientResponse {
  /** Status code. */
  status: number;
  /** Header fields in order, names in lower case, values trimmed. */
  headers: readonly [string, string][];
  /** The body (de-chunked). */
  body: Uint8Array<ArrayBuffer>;
}

/** Limits of a client. */
export interface HttpClientOptions extends Partial<ResponseLimits> {
  /** Idle connections kept for reuse; more are closed once answered. @default 64 */
  maxIdle?: number;
}

const DEFAULT_LIMITS: ResponseLimits = { maxHeadBytes: 64 * 1024, maxBodyBytes: 64 * 1024 * 1024 };
const DEFAULT_MAX_IDLE = 64;
const encoder = new TextEncoder();

/** HTTP/1.1 keep-alive client of one server. */
export class HttpClient {
  /** Where the server is, for messages: `unix:<path>` or `http://<host>:<port>`. */
  readonly label: string;
  readonly #address: HttpAddress;
  readonly #limits: ResponseLimits;
  readonly #maxIdle: number;
  readonly #host: string;
  readonly #idle: ClientConnection[] = [];
  readonly #busy = new Set<ClientConnection>();
  #closed = false;

  /** Connects lazily, on the first request. */
  constructor(address: HttpAddress, options: HttpClientOptions = {}) {
    this.#address = address;
    this.#limits = {
      maxHeadBytes: options.maxHeadBytes ?? DEFAULT_LIMITS.maxHeadBytes,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes,
    };
    this.#maxIdle = options.maxIdle ?? DEFAULT_MAX_IDLE;
    this.#host = address.transport === "unix" ? "localhost" : `${address.hostname}:${address.port}`;
    this.label = address.transport === "unix" ? `unix:${address.path}` : `http://${this.#host}`;
  }

  /** Connections open now, idle and busy (for tests and figures). */
  get openConnections(): number {
    return this.#idle.length + this.#busy.size;
  }

  /**
   * Sends `request` and reads the whole answer.
   *
   * @throws {HttpClientError} `connect` when no connection could be opened, `closed` when the
   * server closed or reset it before a complete head, `aborted` when the signal aborted,
   * `protocol` for an answer that breaks HTTP/1.1 or the limits
   */
  async request(request: ClientRequest): Promise<ClientResponse> {
    const { signal } = request;
    if (signal?.aborted) throw aborted(signal);
    if (request.after) {
      const ahead = this.#pipelinable();
      if (ahead) return await this.#exchange(ahead, request);
      await request.after;
    }
    const connection = this.#idle.pop()?.wake() ?? await this.#connect();
    this.#busy.add(connection);
    return await this.#exchange(connection, request);
  }

  /** Closes the client, as {@linkcode HttpClient.close} (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes every connection; requests under way fail, and later ones fail with `connect`. */
  close(): void {
    this.#closed = true;
    for (const connection of [...this.#idle, ...this.#busy]) connection.close();
    this.#idle.length = 0;
    this.#busy.clear();
  }

  async #connect(): Promise<ClientConnection> {
    if (this.#closed) throw new HttpClientError("connect", `The client of ${this.label} is closed`);
    try {
      return new ClientConnection(await connectTo(this.#address));
    } catch (error) {
      throw new HttpClientError("connect", `Could not connect to ${this.label}`, { cause: error });
    }
  }

  /**
   * Writes `request` on `connection` (busy, and maybe with a request under way), waits for its
   * turn there and reads its answer.
   */
  async #exchange(connection: ClientConnection, request: ClientRequest): Promise<ClientResponse> {
    const { signal } = request;
    const turn = connection.takeTurn();
    const abort = () => connection.close();
    try {
      const written = connection.write(this.#encode(request));
      if (turn.ahead) {
        written.catch(() => {}); // awaited below, once the turn comes
        if (!await turn.ahead) throw this.#displaced();
      }
      if (signal?.aborted) throw aborted(signal);
      signal?.addEventListener("abort", abort, { once: true });
      await written;
      const answer = await readResponse(connection, this.#limits);
      turn.end(answer.keepAlive);
      if (connection.turnsTaken === 0) {
        this.#busy.delete(connection);
        if (answer.keepAlive && connection.buffered === 0) this.#release(connection);
        else connection.close();
      }
      return { status: answer.status, headers: answer.headers, body: answer.body };
    } catch (error) {
      turn.end(false);
      this.#busy.delete(connection);
      connection.close();
      if (turn.ahead && !await turn.ahead) throw this.#displaced(error);
      if (signal?.aborted) throw aborted(signal, error);
      if (error instanceof HttpClientError) throw error;
      throw new HttpClientError("closed", `${this.label} closed the connection`, { cause: error });
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /** A busy connection with one request under way and none behind it, if there is one. */
  #pipelinable(): ClientConnection | undefined {
    for (const connection of this.#busy) {
      if (connection.turnsTaken === 1) return connection;
    }
    return undefined;
  }

  #displaced(cause?: unknown): HttpClientError {
    return new HttpClientError(
      "displaced",
      `The request ahead on the connection to ${this.label} got no answer that keeps the ` +
        "connection, so this one, written behind it, got none",
      { cause },
    );
  }

  /** Keeps an answered connection for the next request, watched while it is idle. */
  #release(connection: ClientConnection): void {
    if (this.#closed || this.#idle.length >= this.#maxIdle) return connection.close();
    this.#idle.push(connection);
    connection.sleep(() => {
      const at = this.#idle.indexOf(connection);
      if (at >= 0) this.#idle.splice(at, 1);
    });
  }

  /** Request line, headers and body, as one buffer. */
  #encode({ method, path, body, contentType, headers }: ClientRequest): Uint8Array {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.#host}\r\n`;
    if (contentType !== undefined) head += `Content-Type: ${contentType}\r\n`;
    if (headers) { for (const [name, value] of headers) head += `${name}: ${value}\r\n`; }
    if (body !== undefined) head += `Content-Length: ${body.length}\r\n`;
    const headBytes = encoder.encode(`${head}\r\n`);
    if (body === undefined || body.length === 0) return headBytes;
    const bytes = new Uint8Array(headBytes.length + body.length);
    bytes.set(headBytes);
    bytes.set(body, headBytes.length);
    return bytes;
  }
}

/** A connection to `address`; over TCP without Nagle's delay (requests are written whole). */
export async function connectTo(address: HttpAddress): Promise<Deno.Conn> {
  if (address.transport === "unix") {
    return await Deno.connect({ transport: "unix", path: address.path });
  }
  const conn = await Deno.connect({ hostname: address.hostname, port: address.port });
  conn.setNoDelay(true);
  return conn;
}

/**
 * The address a client's {@linkcode HttpClient.label} names: `unix:<path>` or
 * `http://<host>:<port>`.
 *
 * @example
 * ```ts
 * import { addressOf } from "./client.ts";
 *
 * console.log(addressOf("unix:/run/e.sock")); // { transport: "unix", path: "/run/e.sock" }
 * console.log(addressOf("http://127.0.0.1:8080").transport); // tcp
 * ```
 */
export function addressOf(label: string): HttpAddress {
  if (label.startsWith("unix:")) return { transport: "unix", path: label.slice("unix:".length) };
  const { protocol, hostname, port } = new URL(label);
  if (protocol !== "http:" || port === "") throw new TypeError(`"${label}" names no server`);
  return { transport: "tcp", hostname, port: Number(port) };
}

function aborted(signal: AbortSignal, cause?: unknown): HttpClientError {
  return new HttpClientError("aborted", "The request was aborted", {
    cause: cause ?? signal.reason,
  });
}

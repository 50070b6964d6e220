/**
 * The node's HTTP/1.1 front on `Deno.listen`, in place of `Deno.serve`, which has no deadline
 * for a slow request head or body and sizes its buffer from a declared `Content-Length`. Every
 * connection reads its request head under `api.timeout.header` and a 64 KiB limit; bodies are
 * read only when the handler asks, under `api.timeout.idle` and `api.timeout.body`, counted
 * against `api.body.limit` per request and `api.body.budget` over all of them; answers are
 * written under `api.timeout.idle`. Keep-alive, chunked bodies both ways, `Expect:
 * 100-continue` and streamed answers (`/events`) are supported; TLS is not (put a TLS proxy in
 * front for that).
 *
 * @example Serve a handler on a free port, then stop
 * ```ts
 * import { serveHttp } from "./server.ts";
 *
 * const server = serveHttp({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   limitBytes: 1 << 20,
 *   budgetBytes: 1 << 28,
 *   headerTimeoutMs: 10_000,
 *   idleTimeoutMs: 10_000,
 *   bodyTimeoutMs: 120_000,
 * }, () => new Response("hello"));
 * const answer = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * console.log(await answer.text()); // "hello"
 * await server.shutdown();
 * ```
 *
 * @module
 */
import { sleep } from "../timing/sleep.ts";
import { BodyBudget } from "./budget.ts";
import { type FastLane, HttpConnection, type HttpHandler } from "./connection.ts";

export type { FastLane, HttpHandler, ParsedRequest, RequestInfo } from "./connection.ts";

/** Where to listen, and the limits and deadlines of every request. */
export interface HttpServerOptions {
  /** Address to listen on. */
  readonly hostname: string;
  /** Port to listen on; 0 = any free port. */
  readonly port: number;
  /** Largest request body, bytes. */
  readonly limitBytes: number;
  /** Request body bytes all connections may hold together. */
  readonly budgetBytes: number;
  /** Milliseconds a client has to send a request head. */
  readonly headerTimeoutMs: number;
  /** Milliseconds a body or an answer may make no progress. */
  readonly idleTimeoutMs: number;
  /** Milliseconds a whole request body may take. */
  readonly bodyTimeoutMs: number;
}

/** A listening front. */
export interface HttpServer {
  /** The address it listens on (with the port chosen when 0 was asked). */
  readonly addr: Deno.NetAddr;
  /**
   * Stops accepting connections, closes idle ones, lets the requests in progress finish (end
   * streamed answers first) and resolves once every connection is closed.
   */
  shutdown(): Promise<void>;
}

/** How often deadlines are checked, ms: the precision of every timeout. */
const SWEEP_MS = 250;
const ACCEPT_RETRY_MS = 100;

/**
 * Listens on `options.hostname:options.port` and serves every request with `handler`, or with
 * `lane` first when given (see {@linkcode FastLane}).
 */
export function serveHttp(
  options: HttpServerOptions,
  handler: HttpHandler,
  lane?: FastLane,
): HttpServer {
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const rules = {
    limitBytes: options.limitBytes,
    budget: new BodyBudget(options.budgetBytes),
    idleMs: options.idleTimeoutMs,
    totalMs: options.bodyTimeoutMs,
    headerTimeoutMs: options.headerTimeoutMs,
  };
  const connections = new Map<HttpConnection, Promise<void>>();
  let stopping = false;
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const connection of connections.keys()) connection.wire.expire(now);
  }, SWEEP_MS);

  const accepting = (async () => {
    while (!stopping) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping || error instanceof Deno.errors.BadResource) return;
        console.error("Cannot accept a connection (retrying):", error);
        await sleep(ACCEPT_RETRY_MS);
        continue;
      }
      conn.setNoDelay(true);
      const connection = new HttpConnection(conn, handler, rules, () => stopping, lane);
      connections.set(
        connection,
        connection.serve().finally(() => connections.delete(connection)),
      );
    }
  })();

  let stopped: Promise<void> | undefined;
  return {
    addr: listener.addr,
    shutdown: () =>
      stopped ??= (async () => {
        stopping = true;
        listener.close();
        await accepting;
        for (const connection of connections.keys()) connection.closeIfIdle();
        await Promise.all(connections.values());
        clearInterval(sweeper);
      })(),
  };
}

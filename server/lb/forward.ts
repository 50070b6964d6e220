/**
 * Sends one request on to a node and hands its answer back, large bodies streamed both ways: the
 * request's headers but the hop-by-hop ones (and `Host`, which names the node) plus
 * `X-Forwarded-For` (and the balancer's trace context, with tracing on); the answer's status,
 * headers and body as the node sent them.
 *
 * @module
 */
import type { HttpClient } from "../http/client.ts";
import { streamedResponse } from "../http/response.ts";

/** Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), and `Host`. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);

/**
 * An answer that declares at most this many bytes is read whole and written in one piece (the
 * common small JSON answer); a larger one, or one of unknown length, is streamed.
 */
export const WHOLE_ANSWER_BYTES = 64 * 1024;

/** The request body as it is forwarded: held (can be sent again) or streamed (once). */
export type ForwardBody = Uint8Array | ReadableStream<Uint8Array> | null;

/** The request's headers to send on: without hop-by-hop ones, with `X-Forwarded-For`. */
export function forwardedHeaders(headers: Headers, clientAddress: string): Headers {
  const out = new Headers();
  const named = (headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase());
  for (const [name, value] of headers) {
    if (!HOP_BY_HOP.has(name) && !named.includes(name)) out.set(name, value);
  }
  const before = headers.get("x-forwarded-for");
  out.set("x-forwarded-for", before ? `${before}, ${clientAddress}` : clientAddress);
  return out;
}

/**
 * Puts the balancer's trace context `trace` (its `traceparent` and `tracestate`; empty without
 * tracing) in `headers` in place of the caller's. Deno's `fetch` adds the context of its own
 * client span (a child of the balancer's) to what it sends, so a request sent `viaFetch` only
 * loses the caller's: two `traceparent` values would be no valid one.
 */
export function replaceTraceContext(
  headers: Headers,
  trace: Readonly<Record<string, string>>,
  viaFetch: boolean,
): void {
  if (trace.traceparent === undefined) return;
  headers.delete("traceparent");
  headers.delete("tracestate");
  if (viaFetch) return;
  for (const [name, value] of Object.entries(trace)) headers.set(name, value);
}

/** Where a request is sent: a node's base URL, and its keep-alive client for `http:` URLs. */
export interface ForwardTarget {
  /** Base URL of the node's API. */
  readonly url: string;
  /** The node's HTTP/1.1 client, when its URL is `http:`. */
  readonly client?: HttpClient;
}

/**
 * Sends `request` (its method, path and query; `body` as held or streamed; the balancer's
 * `trace` context, see {@linkcode replaceTraceContext}) to `node`. A held
 * body goes through the node's own client (its answer read whole, as the node wrote it whole); a
 * streamed one, or any to an `https:` node, through `fetch`, its answer streamed back when it is
 * larger than {@linkcode WHOLE_ANSWER_BYTES} or of unknown length. Rejects when the node cannot
 * be reached or fails before its answer.
 */
export async function forward(
  request: Request,
  node: ForwardTarget,
  body: ForwardBody,
  clientAddress: string,
  trace: Readonly<Record<string, string>> = {},
): Promise<Response> {
  const url = new URL(request.url);
  const path = `${url.pathname}${url.search}`;
  const headers = forwardedHeaders(request.headers, clientAddress);
  if (node.client && !(body instanceof ReadableStream)) {
    replaceTraceContext(headers, trace, false);
    const answer = await node.client.request({
      method: request.method,
      path,
      body: body ?? undefined,
      headers,
    });
    return new Response(answer.body, {
      status: answer.status,
      headers: answerHeaders(answer.headers),
    });
  }
  replaceTraceContext(headers, trace, true);
  const answer = await fetch(`${node.url}${path}`, {
    method: request.method,
    headers,
    body,
    redirect: "manual",
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const declared = Number(answer.headers.get("content-length") ?? NaN);
  const init = { status: answer.status, headers: answerHeaders(answer.headers) };
  if (declared <= WHOLE_ANSWER_BYTES) return new Response(await answer.bytes(), init);
  return streamedResponse(answer.body, init);
}

/**
 * A node's answer headers without the hop-by-hop ones; `content-length` stays (the front frames
 * the answer itself and ignores it): it tells the balancer whether an answer is small enough to
 * read.
 */
function answerHeaders(fields: Iterable<[string, string]>): Headers {
  const headers = new Headers();
  for (const [name, value] of fields) {
    if (!HOP_BY_HOP.has(name) || name === "content-length") headers.append(name, value);
  }
  return headers;
}

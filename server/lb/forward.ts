/**
 * Sends one request on to a node and hands its answer back, large bodies streamed both ways: the
 * request's headers but the hop-by-hop ones (and `Host`, which names the node) plus
 * `X-Forwarded-For`; the answer's status, headers and body as the node sent them.
 *
 * @module
 */
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
 * Sends `request` (its method, path and query; `body` as read or streamed) to the node at
 * `baseUrl`. Rejects when the node cannot be reached or fails before its answer's head.
 */
export async function forward(
  request: Request,
  baseUrl: string,
  body: ForwardBody,
  clientAddress: string,
): Promise<Response> {
  const url = new URL(request.url);
  const answer = await fetch(`${baseUrl}${url.pathname}${url.search}`, {
    method: request.method,
    headers: forwardedHeaders(request.headers, clientAddress),
    body,
    redirect: "manual",
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const headers = new Headers();
  // `content-length` stays (the front frames the answer itself and ignores it): it tells the
  // balancer whether an answer is small enough to read.
  for (const [name, value] of answer.headers) {
    if (!HOP_BY_HOP.has(name) || name === "content-length") headers.set(name, value);
  }
  const declared = Number(answer.headers.get("content-length") ?? NaN);
  if (declared <= WHOLE_ANSWER_BYTES) {
    return new Response(await answer.bytes(), { status: answer.status, headers });
  }
  return streamedResponse(answer.body, { status: answer.status, headers });
}

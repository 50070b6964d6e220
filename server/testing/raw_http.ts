/**
 * Test and benchmark helper: one HTTP/1.1 request written by hand on a fresh connection to
 * 127.0.0.1, for what `fetch` will not send (a foreign `Host`, a malformed head), and its answer.
 *
 * @module
 */

/** An answer read off the wire. */
export interface RawAnswer {
  /** HTTP status. */
  status: number;
  /** Header fields, names in lower case. */
  headers: Map<string, string>;
  /** The body as text. */
  body: string;
}

/**
 * Sends `request` (head and body exactly as given) to the node at `url` and reads the answer
 * until the node closes the connection, so the request should say `Connection: close`.
 *
 * @example
 * ```ts
 * import { rawRequest } from "./raw_http.ts";
 *
 * const answer = await rawRequest(
 *   "http://127.0.0.1:1323",
 *   "GET /status HTTP/1.1\r\nHost: rebind.example\r\nConnection: close\r\n\r\n",
 * );
 * console.log(answer.status); // 421
 * ```
 */
export async function rawRequest(url: string, request: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(new TextEncoder().encode(request));
    const text = await new Response(conn.readable).text();
    const split = text.indexOf("\r\n\r\n");
    const head = text.slice(0, split).split("\r\n");
    const headers = new Map(
      head.slice(1).map((line) => {
        const colon = line.indexOf(":");
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
      }),
    );
    return { status: Number(head[0].split(" ")[1]), headers, body: text.slice(split + 4) };
  } finally {
    try {
      conn.close();
    } catch {
      // closed with its readable stream
    }
  }
}

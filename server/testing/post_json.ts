/**
 * Test and benchmark helper: a `POST` with a JSON body, as every client of a node must send it
 * (`Content-Type: application/json`).
 *
 * @module
 */

/**
 * POSTs `body` to `url` as JSON (a string is sent as it is), with `headers` added.
 *
 * @example
 * ```ts
 * import { postJson } from "./post_json.ts";
 *
 * const answer = await postJson("http://127.0.0.1:1323/invoke/hello", { Params: {} });
 * console.log(answer.status);
 * ```
 */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/**
 * Reads a request's body: as JSON, answering malformed or too deeply nested JSON with a 400
 * that says what is wrong; or as its raw bytes, for the code checker to parse off the main
 * thread.
 *
 * @module
 */
import type { Context } from "hono";
import { parseJsonBody } from "../validation/json.ts";

/** The parsed JSON body of `c`'s request; `undefined` when the body is empty. */
export async function jsonBody(c: Context): Promise<unknown> {
  return parseJsonBody(await c.req.text());
}

/** The body of `c`'s request as bytes, in a buffer of its own. */
export async function bodyBytes(c: Context): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await c.req.arrayBuffer());
}

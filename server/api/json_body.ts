/**
 * Reads a request's JSON body, answering malformed or too deeply nested JSON with a 400 that
 * says what is wrong.
 *
 * @module
 */
import type { Context } from "hono";
import { parseJsonBody } from "../validation/json.ts";

/** The parsed JSON body of `c`'s request; `undefined` when the body is empty. */
export async function jsonBody(c: Context): Promise<unknown> {
  return parseJsonBody(await c.req.text());
}

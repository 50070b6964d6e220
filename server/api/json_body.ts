/**
 * Reads a request's JSON body, answering malformed JSON with a 400 that says what is wrong.
 * The body is read and parsed once per request: the access check (which may need the
 * function's name) and the route share it.
 *
 * @module
 */
import type { Context } from "hono";
import { BadRequestError } from "../errors.ts";

const parsed = new WeakMap<Request, Promise<unknown>>();

/** The parsed JSON body of `c`'s request; `undefined` when the body is empty. */
export function jsonBody(c: Context): Promise<unknown> {
  let body = parsed.get(c.req.raw);
  if (!body) parsed.set(c.req.raw, body = parse(c));
  return body;
}

async function parse(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads a request's JSON body, answering malformed JSON with a 400 that says what is wrong.
 *
 * @module
 */
import type { Context } from "hono";
import { BadRequestError } from "../errors.ts";

/** The parsed JSON body of `c`'s request; `undefined` when the body is empty. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads a request's body: as JSON, answering malformed or too deeply nested JSON with a 400
 * that says what is wrong; or as its raw chunks, for the code checker to parse off the main
 * thread.
 *
 * @module
 */
import type { Context } from "hono";
import { concatBytes } from "../../protocol/bytes.ts";
import { parseJsonBody } from "../validation/json.ts";

/** The parsed JSON body of `c`'s request; `undefined` when the body is empty. */
export async function jsonBody(c: Context): Promise<unknown> {
  return parseJsonBody(await c.req.text());
}

/**
 * The body of `c`'s request in pieces of about {@linkcode PIECE_BYTES}, each in a buffer of
 * its own, joined as the chunks arrive: pieces can be handed to a worker without a copy, and
 * no join of tens of MB blocks the event loop (nor does handing over thousands of chunks).
 */
export async function bodyPieces(c: Context): Promise<Uint8Array<ArrayBuffer>[]> {
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  const body = c.req.raw.body;
  if (body === null) return pieces;
  let chunks: Uint8Array[] = [];
  let size = 0;
  const cut = () => {
    pieces.push(concatBytes(chunks));
    chunks = [];
    size = 0;
  };
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= PIECE_BYTES) cut();
  }
  if (size > 0) cut();
  return pieces;
}

/** Size of the pieces {@linkcode bodyPieces} joins a body into, bytes. */
const PIECE_BYTES = 1024 * 1024;

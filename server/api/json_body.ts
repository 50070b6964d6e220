/**
 * Reads a request's body, once per request: as JSON, answering malformed or too deeply nested
 * JSON with a 400 that says what is wrong; or, for create and update, as raw pieces handed to the
 * code checker, which parses and checks the definition off the main thread. The access check
 * (which may need the function's name) and the route share what was read.
 *
 * @module
 */
import type { Context } from "hono";
import { concatBytes } from "../../protocol/bytes.ts";
import type { CodeChecker } from "../functions/code_checker.ts";
import type { CheckedFunction } from "../functions/code_checks.ts";
import type { DefinitionLimits } from "../functions/parse_definition.ts";
import { parseJsonBody } from "../validation/json.ts";

const parsed = new WeakMap<Request, Promise<unknown>>();
const checked = new WeakMap<Request, Promise<CheckedFunction>>();

/** The parsed JSON body of `c`'s request; `undefined` when the body is empty. */
export function jsonBody(c: Context): Promise<unknown> {
  let body = parsed.get(c.req.raw);
  if (!body) parsed.set(c.req.raw, body = c.req.text().then(parseJsonBody));
  return body;
}

/**
 * The create or update body of `c`'s request, parsed and checked (every field and the code)
 * by `checker`, off the main thread.
 */
export function checkedBody(
  c: Context,
  services: { checker: CodeChecker; limits: DefinitionLimits },
): Promise<CheckedFunction> {
  let body = checked.get(c.req.raw);
  if (!body) {
    body = bodyPieces(c).then((pieces) => services.checker.checkBody(pieces, services.limits));
    checked.set(c.req.raw, body);
  }
  return body;
}

/**
 * The body of `c`'s request in pieces of about {@linkcode PIECE_BYTES}, each in a buffer of
 * its own, joined as the chunks arrive: pieces can be handed to a worker without a copy, and
 * no join of tens of MB blocks the event loop (nor does handing over thousands of chunks).
 */
async function bodyPieces(c: Context): Promise<Uint8Array<ArrayBuffer>[]> {
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

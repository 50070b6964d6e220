/**
 * Request bodies as JSON: malformed text and nesting deeper than {@linkcode MAX_JSON_DEPTH} are
 * refused with a `BadRequestError` that says what is wrong. The depth is measured before
 * parsing, in one pass without recursion, so no body can exhaust a stack here or further on
 * (executors parse `Params` again).
 *
 * @example
 * ```ts
 * import { parseJsonBody } from "./json.ts";
 *
 * console.log(parseJsonBody('{"Params": {"n": 2}}')); // { Params: { n: 2 } }
 * console.log(parseJsonBody("  ")); // undefined
 * ```
 *
 * @module
 */
import { BadRequestError } from "../errors.ts";

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The parsed JSON of a request body; `undefined` when the body is empty or white space.
 *
 * @throws {BadRequestError} when the text is not JSON or nests deeper than
 * {@linkcode MAX_JSON_DEPTH}
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  if (exceedsDepth(text, MAX_JSON_DEPTH)) {
    throw new BadRequestError(
      `Request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: flatten it`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Whether arrays and objects in `text` nest deeper than `limit`. Brackets inside strings do not
 * count; a string is skipped in one `indexOf` jump, so long strings (base64 code) cost little.
 * Malformed text is left for `JSON.parse` to describe.
 */
function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) return false;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that ends the string opened at `open`, or -1 when none does. */
function closingQuote(text: string, open: number): number {
  let end = open;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}

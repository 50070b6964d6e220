/**
 * Field names of JSON request bodies matched as Go's `encoding/json` matches them, so a body a
 * Serverledge node accepts is read the same here: a key names a field when it equals the name
 * or equals it case-insensitively (Go's simple case folding, in which `K` (Kelvin sign) is a
 * `k` and `ſ` (long s) an `s`). When several keys name one field, the later one wins, as in Go,
 * except that two objects are merged key by key (Go decodes both into the same map, `Params`);
 * the keys inside the values (`Params` and other user data) are left untouched, and keys that
 * name no field are ignored, as Go ignores them.
 *
 * @example
 * ```ts
 * import { decodeFields } from "./wire_fields.ts";
 *
 * console.log(decodeFields({ params: { Name: 1 }, async: true }, "Request body", ["Params", "Async"]));
 * // { Params: { Name: 1 }, Async: true }
 * ```
 *
 * @module
 */
import { type JsonObject, requireObject } from "./fields.ts";

/**
 * `value`, which must be a JSON object (named `what` in the error), with the keys that name one
 * of `fields` renamed to that field's exact name and every other key dropped.
 */
export function decodeFields(
  value: unknown,
  what: string,
  fields: readonly string[],
): JsonObject {
  const body = requireObject(value, what);
  // Folded only when a key is not spelled exactly, as a well-formed body's never are.
  let byFolded: Map<string, string> | undefined;
  const decoded: JsonObject = {};
  for (const [key, fieldValue] of Object.entries(body)) {
    const field = fields.includes(key)
      ? key
      : (byFolded ??= new Map(fields.map((f) => [foldName(f), f]))).get(foldName(key));
    if (field === undefined) continue;
    const earlier = decoded[field];
    decoded[field] = isObject(earlier) && isObject(fieldValue)
      ? { ...earlier, ...fieldValue }
      : fieldValue;
  }
  return decoded;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `name` folded so that two names Go's decoder matches fold to the same string. */
export function foldName(name: string): string {
  return name.replace(/[A-Z\u212A\u017F]/g, (c) => FOLDED_NON_ASCII[c] ?? c.toLowerCase());
}

/** The characters outside ASCII that Go's simple case folding makes ASCII letters. */
const FOLDED_NON_ASCII: Readonly<Record<string, string>> = { "\u212A": "k", "\u017F": "s" };

/**
 * Checks Serverledge's function `Signature`: `null`, or `{Inputs, Outputs}`, each a list of
 * `{Name, Type}` with a type of {@linkcode SIGNATURE_TYPES}. Keys are matched in any case, as Go
 * decodes them; what is kept is the checked value in Serverledge's spelling.
 *
 * @example
 * ```ts
 * import { checkSignature } from "./signature.ts";
 *
 * console.log(checkSignature({ inputs: [{ name: "n", type: "Int" }] }));
 * // { Inputs: [ { Name: "n", Type: "Int" } ], Outputs: [] }
 * ```
 *
 * @module
 */
import {
  type FunctionSignature,
  SIGNATURE_TYPES,
  type SignatureEntry,
  type SignatureType,
} from "../../protocol/function.ts";
import { BadRequestError } from "../errors.ts";
import { describe } from "../validation/fields.ts";
import { decodeFields } from "../validation/wire_fields.ts";

/** Most entries in `Inputs`, and in `Outputs`. */
export const MAX_SIGNATURE_ENTRIES = 100;
/** Longest entry `Name`, in characters. */
export const MAX_SIGNATURE_NAME = 128;

const LISTS = ["Inputs", "Outputs"] as const;
// deno-lint-ignore no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * The checked signature `value` (`undefined` and `null` give `null`; a missing or `null` list
 * is an empty one, as Go reads it). Throws a `BadRequestError` naming the bad entry, e.g.
 * `Signature.Inputs[1]`: an entry that is not an object, a name that is too long, holds control
 * characters, is empty (allowed only for `Void`) or repeats an earlier one of its list, a type
 * Serverledge does not have, or more than {@linkcode MAX_SIGNATURE_ENTRIES} entries.
 */
export function checkSignature(value: unknown): FunctionSignature | null {
  if (value === undefined || value === null) return null;
  const fields = decodeFields(value, 'Field "Signature"', LISTS);
  const [Inputs, Outputs] = LISTS.map((list) => checkList(fields[list], `Signature.${list}`));
  return { Inputs, Outputs };
}

function checkList(value: unknown, where: string): SignatureEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new BadRequestError(`Field "${where}" must be a list, got ${describe(value)}`);
  }
  if (value.length > MAX_SIGNATURE_ENTRIES) {
    throw new BadRequestError(
      `Field "${where}" has ${value.length} entries, more than ${MAX_SIGNATURE_ENTRIES}`,
    );
  }
  const entries = value.map((item, i) => checkEntry(item, `${where}[${i}]`));
  entries.forEach((entry, i) => {
    if (entry.Name !== "" && entries.findIndex((e) => e.Name === entry.Name) < i) {
      throw new BadRequestError(`Field "${where}[${i}]" repeats the name "${entry.Name}"`);
    }
  });
  return entries;
}

function checkEntry(item: unknown, where: string): SignatureEntry {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    throw new BadRequestError(`Field "${where}" must be an object {Name, Type}`);
  }
  const { Name, Type } = decodeFields(item, `Field "${where}"`, ["Name", "Type"]);
  if (typeof Type !== "string" || !(SIGNATURE_TYPES as readonly string[]).includes(Type)) {
    throw new BadRequestError(
      `Field "${where}.Type" must be one of ${SIGNATURE_TYPES.join(", ")}, got ${describe(Type)}`,
    );
  }
  if (typeof Name !== "string") {
    throw new BadRequestError(`Field "${where}.Name" must be a string, got ${describe(Name)}`);
  }
  if (Name.length > MAX_SIGNATURE_NAME || CONTROL_CHARACTER.test(Name)) {
    throw new BadRequestError(
      `Field "${where}.Name" must be at most ${MAX_SIGNATURE_NAME} characters, none a control character`,
    );
  }
  if (Name === "" && Type !== "Void") {
    throw new BadRequestError(`Field "${where}.Name" is empty (only a "Void" entry may be)`);
  }
  return { Name, Type: Type as SignatureType };
}

/**
 * A function's `Signature` from `create` and `update` options, as Serverledge's CLI takes it:
 * `-input name:Type` and `-output name:Type`, each repeatable (one option may also list several,
 * `-input a:Int,b:Text`).
 *
 * @example
 * ```ts
 * import { parseSignature } from "./signature.ts";
 *
 * console.log(parseSignature(["n:Int", "xs:ArrayFloat"], ["sum:Float"]));
 * // { Inputs: [{ Name: "n", Type: "Int" }, { Name: "xs", Type: "ArrayFloat" }],
 * //   Outputs: [{ Name: "sum", Type: "Float" }] }
 * ```
 *
 * @module
 */
import {
  type FunctionSignature,
  SIGNATURE_TYPES,
  type SignatureEntry,
  type SignatureType,
} from "../protocol/function.ts";
import { UsageError } from "./errors.ts";

/**
 * The signature `-input` and `-output` options declare, or `undefined` when none is given (the
 * node then stores none). Each entry is split at its last colon (a type has none); throws a
 * {@linkcode UsageError} naming an entry without a name or with a type Serverledge does not have.
 */
export function parseSignature(
  inputs: readonly string[],
  outputs: readonly string[],
): FunctionSignature | undefined {
  if (inputs.length === 0 && outputs.length === 0) return undefined;
  return { Inputs: parseEntries(inputs, "input"), Outputs: parseEntries(outputs, "output") };
}

function parseEntries(options: readonly string[], flag: string): SignatureEntry[] {
  return options.flatMap((option) => option.split(",")).map((entry) => {
    const colon = entry.lastIndexOf(":");
    const Name = entry.slice(0, colon);
    const Type = entry.slice(colon + 1);
    if (colon <= 0 || !(SIGNATURE_TYPES as readonly string[]).includes(Type)) {
      throw new UsageError(
        `Option "-${flag}" takes name:Type, the type one of ${SIGNATURE_TYPES.join(", ")}; ` +
          `got "${entry}"`,
      );
    }
    return { Name, Type: Type as SignatureType };
  });
}

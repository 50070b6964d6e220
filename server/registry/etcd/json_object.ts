/**
 * Reading the JSON values the etcd registry stores.
 *
 * @module
 */

/**
 * The object `json` holds, or `undefined` when it is not JSON or not an object (a value
 * another program wrote under a registry key is skipped, not fatal).
 *
 * @example
 * ```ts
 * import { parseJsonObject } from "./json_object.ts";
 *
 * parseJsonObject('{"Name":"f"}'); // { Name: "f" }
 * parseJsonObject("not json"); // undefined
 * ```
 */
export function parseJsonObject(json: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(json);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

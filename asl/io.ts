/**
 * Input and output processing of a state: `InputPath` selects the effective input from the
 * state's input, `ResultPath` puts the result into the state's input, `OutputPath` selects the
 * state's output. An absent path is `$` (everything); `null` is "nothing" (`{}` for the input
 * and output, the unchanged input for `ResultPath`).
 *
 * @module
 */
import { AslRuntimeError, StatesErrors } from "./errors.ts";
import type { Json } from "./json.ts";
import { type JsonPath, selectPath, writePath } from "./json_path.ts";

/** What `InputPath` or `OutputPath` (named by `field`) selects from `value`. */
export function selectWith(path: JsonPath | null | undefined, value: Json, field: string): Json {
  if (path === undefined) return value;
  if (path === null) return {};
  const selected = selectPath(path, value);
  if (selected === undefined) {
    throw new AslRuntimeError(`"${field}": the path "${path.source}" matches nothing`);
  }
  return selected;
}

/** The state's input with `result` put at `ResultPath` (named by `field` in messages). */
export function withResult(
  path: JsonPath | null | undefined,
  input: Json,
  result: Json,
  field = "ResultPath",
): Json {
  if (path === undefined) return result;
  if (path === null) return input;
  try {
    return writePath(path, input, result);
  } catch (error) {
    throw new AslRuntimeError(
      `"${field}": ${(error as Error).message}`,
      StatesErrors.ResultPathMatchFailure,
    );
  }
}

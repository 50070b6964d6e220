/**
 * Invocation parameters as the invoke form edits them: key/value rows or a JSON object.
 *
 * A row's value is read as JSON when it is a JSON literal (`2`, `true`, `null`, `[1, 2]`,
 * `{"a": 1}`, `"quoted"`), as plain text otherwise — so `name = Edge` gives `"Edge"` and
 * `n = 2` gives the number 2.
 *
 * @module
 */

/** One key/value row of the form. */
export interface ParamRow {
  /** Parameter name (rows with an empty key are ignored). */
  key: string;
  /** Value text. */
  value: string;
}

/** A parse result: the parameters, or a message saying what is wrong. */
export type ParamsResult =
  | { ok: true; params: Record<string, unknown> }
  | { ok: false; error: string };

/** Reads one value text: a JSON literal, else the text itself. */
export function parseValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  if (/^(-?\d|true$|false$|null$|[[{"])/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // not JSON after all: plain text
    }
  }
  return text;
}

/** Writes one value as the text a row shows: strings as they are, anything else as JSON. */
export function valueText(value: unknown): string {
  if (typeof value === "string") {
    // A string that would read back as something else keeps its quotes.
    return parseValue(value) === value ? value : JSON.stringify(value);
  }
  return JSON.stringify(value) ?? "";
}

/** The parameters of `rows`; a key given twice is an error. */
export function rowsToParams(rows: readonly ParamRow[]): ParamsResult {
  const params: Record<string, unknown> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key === "") continue;
    if (Object.hasOwn(params, key)) {
      return { ok: false, error: `Parameter "${key}" is given twice` };
    }
    params[key] = parseValue(row.value);
  }
  return { ok: true, params };
}

/** The rows showing `params`, one per key. */
export function paramsToRows(params: Record<string, unknown>): ParamRow[] {
  return Object.entries(params).map(([key, value]) => ({ key, value: valueText(value) }));
}

/** Parses the JSON text of the form's JSON mode: it must be an object (empty text = `{}`). */
export function parseParamsJson(text: string): ParamsResult {
  if (text.trim() === "") return { ok: true, params: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Parameters are not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: 'Parameters must be a JSON object, e.g. {"name": "Edge"}' };
  }
  return { ok: true, params: value as Record<string, unknown> };
}

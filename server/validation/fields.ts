/**
 * Field readers for JSON request bodies: each checks one field's type and range and throws a
 * `BadRequestError` naming the field when it is wrong.
 *
 * @module
 */
import { BadRequestError } from "../errors.ts";

/** A parsed JSON object body. */
export type JsonObject = Record<string, unknown>;

/** Ensures `value` is a plain JSON object, naming `what` in the error. */
export function requireObject(value: unknown, what: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BadRequestError(`${what} must be a JSON object`);
  }
  return value as JsonObject;
}

/** Reads a required non-empty string field. */
export function requiredString(body: JsonObject, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new BadRequestError(`Field "${field}" is required and must be a non-empty string`);
  }
  return value;
}

/** Reads an optional string field (`undefined` and `null` give `fallback`). */
export function optionalString(body: JsonObject, field: string, fallback = ""): string {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string") {
    throw new BadRequestError(`Field "${field}" must be a string, got ${describe(value)}`);
  }
  return value;
}

/** Reads an optional boolean field. */
export function optionalBoolean(body: JsonObject, field: string, fallback: boolean): boolean {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") {
    throw new BadRequestError(`Field "${field}" must be true or false, got ${describe(value)}`);
  }
  return value;
}

/** Reads an optional JSON object field (`undefined` and `null` give an empty object). */
export function optionalObject(body: JsonObject, field: string): JsonObject {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new BadRequestError(`Field "${field}" must be a JSON object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

/** Range and kind of a numeric field. */
export interface NumberRule {
  /** Smallest accepted value. */
  min: number;
  /** Largest accepted value (`Infinity`: no bound but finite). */
  max: number;
  /** Whether only integers are accepted. @default false */
  integer?: boolean;
}

/** Reads a number field within `rule`; `fallback` when absent (required when no fallback). */
export function numberField(
  body: JsonObject,
  field: string,
  rule: NumberRule,
  fallback?: number,
): number {
  const value = body[field];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  const kind = rule.integer ? "an integer" : "a number";
  const range = rule.max === Infinity
    ? `of at least ${rule.min}`
    : `from ${rule.min} to ${rule.max}`;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new BadRequestError(`Field "${field}" must be ${kind} ${range}, got ${describe(value)}`);
  }
  if ((rule.integer && !Number.isInteger(value)) || value < rule.min || value > rule.max) {
    throw new BadRequestError(`Field "${field}" must be ${kind} ${range}, got ${value}`);
  }
  return value;
}

/** Short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (typeof value === "object") return "an object";
  return String(value);
}

/**
 * The body of `POST /invoke/:fn`, checked field by field.
 *
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { QOS_CLASS_NAMES, qosClassOf } from "../scheduling/qos.ts";
import { describe, numberField, optionalBoolean, requireObject } from "../validation/fields.ts";

/** An invocation request, Serverledge's fields with their defaults applied. */
export interface InvocationRequest {
  /** Parameters handed to the function. */
  Params: Record<string, unknown>;
  /** Whether the node may run the request elsewhere. @default true */
  CanDoOffloading: boolean;
  /** Answer at once with a `ReqId` and store the report for polling. @default false */
  Async: boolean;
  /** QoS class number (Serverledge sends a number; class names are accepted too). */
  QoSClass: number;
  /** Maximum acceptable response time in seconds; negative or 0 means none. */
  QoSMaxRespT: number;
  /** Return the function's stdout/stderr in `Output`. @default false */
  ReturnOutput: boolean;
}

/** Parses an invoke body; an empty body is an invocation without parameters. */
export function parseInvocationRequest(input: unknown): InvocationRequest {
  const body = input === undefined || input === null ? {} : requireObject(input, "Request body");
  const params = body.Params ?? {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new BadRequestError(`Field "Params" must be a JSON object, got ${describe(params)}`);
  }
  const qosClass = readQosClass(body.QoSClass ?? 0);
  return {
    Params: params as Record<string, unknown>,
    CanDoOffloading: optionalBoolean(body, "CanDoOffloading", true),
    Async: optionalBoolean(body, "Async", false),
    QoSClass: qosClass,
    QoSMaxRespT: numberField(body, "QoSMaxRespT", { min: -1, max: 86_400 }, -1),
    ReturnOutput: optionalBoolean(body, "ReturnOutput", false),
  };
}

function readQosClass(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === "string") {
    const known = qosClassOf(value);
    if (known !== undefined) return known;
    if (/^\d+$/.test(value)) return Number(value);
  }
  const names = Object.keys(QOS_CLASS_NAMES).map((n) => `"${n}"`).join(", ");
  throw new BadRequestError(
    `Field "QoSClass" must be a class number or one of ${names}, got ${describe(value)}`,
  );
}

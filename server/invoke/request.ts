/**
 * The body of `POST /invoke/:fn`, checked field by field.
 *
 * @module
 */
import type { InvocationRequest } from "../../protocol/invocation.ts";
import { QOS_CLASS_NAMES, qosClassOf } from "../../protocol/qos.ts";
import { BadRequestError } from "../errors.ts";
import { describe, numberField, optionalBoolean, optionalObject } from "../validation/fields.ts";
import { decodeFields } from "../validation/wire_fields.ts";

/** The fields of an invoke body, as Serverledge names them. */
const INVOCATION_FIELDS = [
  "Params",
  "CanDoOffloading",
  "Async",
  "QoSClass",
  "QoSMaxRespT",
  "ReturnOutput",
] as const satisfies readonly (keyof InvocationRequest)[];

/** Parses an invoke body; an empty body is an invocation without parameters. */
export function parseInvocationRequest(input: unknown): InvocationRequest {
  const body = input === undefined || input === null
    ? {}
    : decodeFields(input, "Request body", INVOCATION_FIELDS);
  const params = optionalObject(body, "Params");
  const qosClass = readQosClass(body.QoSClass ?? 0);
  return {
    Params: params,
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

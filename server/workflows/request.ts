/**
 * The body of `POST /workflow/invoke/:name` (`WorkflowInvocationRequest`), checked field by field.
 *
 * @module
 */
import { numberField, optionalBoolean, optionalObject } from "../validation/fields.ts";
import { decodeFields } from "../validation/wire_fields.ts";

/** A workflow invocation, every default applied. */
export interface WorkflowInvocation {
  /** The workflow's input. */
  readonly Params: Record<string, unknown>;
  /** QoS class of every task. */
  readonly QoSClass: number;
  /** Wanted response time of every task, seconds; -1: none. */
  readonly QoSMaxRespT: number;
  /** Whether tasks may be offloaded. */
  readonly CanDoOffloading: boolean;
  /** Whether the run goes on in the background. */
  readonly Async: boolean;
}

/** Parses an invoke-workflow body; an empty body is an invocation without parameters. */
export function parseWorkflowInvocation(input: unknown): WorkflowInvocation {
  const body = input === undefined || input === null
    ? {}
    : decodeFields(input, "Request body", ["Params", "QoS", "CanDoOffloading", "Async"]);
  const params = optionalObject(body, "Params");
  const qos = body.QoS === undefined || body.QoS === null
    ? {}
    : decodeFields(body.QoS, 'Field "QoS"', ["Class", "MaxRespT"]);
  return {
    Params: params,
    QoSClass: numberField(qos, "Class", { min: 0, max: 2, integer: true }, 0),
    QoSMaxRespT: numberField(qos, "MaxRespT", { min: -1, max: 86_400 }, -1) || -1,
    CanDoOffloading: optionalBoolean(body, "CanDoOffloading", true),
    Async: optionalBoolean(body, "Async", false),
  };
}

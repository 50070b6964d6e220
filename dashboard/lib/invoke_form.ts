/**
 * The invoke form's model: parameters (rows or JSON), sync or async, QoS fields, and the
 * `POST /invoke` body they make; plus how a report says where the request ran.
 *
 * @module
 */
import { QOS_CLASSES as NODE_QOS_CLASSES } from "../../protocol/qos.ts";
import { type ParamRow, paramsToRows, parseParamsJson, rowsToParams } from "./params.ts";
import type { ExecutionReport, InvocationRequest } from "../../protocol/invocation.ts";
import type { WorkflowInvocationRequest } from "../../protocol/workflow.ts";

/** Serverledge's QoS classes, by number. */
export const QOS_CLASSES: readonly { value: number; label: string }[] = [
  { value: NODE_QOS_CLASSES.low, label: "Low (default)" },
  { value: NODE_QOS_CLASSES.high_performance, label: "High performance" },
  { value: NODE_QOS_CLASSES.high_availability, label: "High availability" },
];

/** The form's fields. */
export interface InvokeFormState {
  /** Function name. */
  fn: string;
  /** How parameters are edited. */
  mode: "rows" | "json";
  /** Key/value rows. */
  rows: ParamRow[];
  /** JSON text. */
  json: string;
  /** Asynchronous (then polled). */
  async: boolean;
  /** Ask for the function's output. */
  returnOutput: boolean;
  /** Let the node run it elsewhere. */
  canDoOffloading: boolean;
  /** QoS class number. */
  qosClass: number;
  /** Maximum response time in seconds (text; empty = none). */
  maxRespT: string;
}

/** A blank form for `fn`. */
export function emptyInvokeForm(fn: string): InvokeFormState {
  return {
    fn,
    mode: "rows",
    rows: [{ key: "", value: "" }],
    json: "{}",
    async: false,
    returnOutput: true,
    canDoOffloading: true,
    qosClass: 0,
    maxRespT: "",
  };
}

/** The result of {@linkcode buildInvokeBody}. */
export type InvokeBodyResult = { ok: true; body: InvocationRequest } | { ok: false; error: string };

/** The form's parameters and maximum response time (-1: none), or what is wrong with them. */
function readForm(
  form: InvokeFormState,
): { ok: true; params: Record<string, unknown>; maxRespT: number } | { ok: false; error: string } {
  const params = form.mode === "rows" ? rowsToParams(form.rows) : parseParamsJson(form.json);
  if (!params.ok) return params;
  let maxRespT = -1;
  if (form.maxRespT.trim() !== "") {
    maxRespT = Number(form.maxRespT);
    if (!Number.isFinite(maxRespT) || maxRespT <= 0) {
      return { ok: false, error: "Max response time: a number of seconds above 0, or empty" };
    }
  }
  return { ok: true, params: params.params, maxRespT };
}

/** Checks the form and makes the invoke body. */
export function buildInvokeBody(form: InvokeFormState): InvokeBodyResult {
  const read = readForm(form);
  if (!read.ok) return read;
  return {
    ok: true,
    body: {
      Params: read.params,
      CanDoOffloading: form.canDoOffloading,
      Async: form.async,
      QoSClass: form.qosClass,
      QoSMaxRespT: read.maxRespT,
      ReturnOutput: form.returnOutput,
    },
  };
}

/** Checks the form and makes the body of `POST /workflow/invoke/<name>` (`fn` is the workflow). */
export function buildWorkflowInvokeBody(
  form: InvokeFormState,
): { ok: true; body: Required<WorkflowInvocationRequest> } | { ok: false; error: string } {
  const read = readForm(form);
  if (!read.ok) return read;
  return {
    ok: true,
    body: {
      Params: read.params,
      QoS: { Class: form.qosClass, MaxRespT: Math.max(0, read.maxRespT) },
      CanDoOffloading: form.canDoOffloading,
      Async: form.async,
    },
  };
}

/**
 * Switches the parameter editor to `mode`, carrying the parameters over; answers the form
 * unchanged with an error when the current ones do not parse.
 */
export function switchMode(
  form: InvokeFormState,
  mode: "rows" | "json",
): { form: InvokeFormState; error?: string } {
  if (mode === form.mode) return { form };
  if (mode === "json") {
    const params = rowsToParams(form.rows);
    if (!params.ok) return { form, error: params.error };
    return { form: { ...form, mode, json: JSON.stringify(params.params, null, 2) } };
  }
  const params = parseParamsJson(form.json);
  if (!params.ok) return { form, error: params.error };
  const rows = paramsToRows(params.params);
  return { form: { ...form, mode, rows: rows.length > 0 ? rows : [{ key: "", value: "" }] } };
}

/** Where a report says the request ran, in words: `here (n1)`, `offloaded to n2`. */
export function whereItRan(report: ExecutionReport, self: string | undefined): string {
  if (report.SchedAction === "O") return `offloaded to ${report.ExecutedOn ?? "another node"}`;
  if (report.ExecutedOn && self && report.ExecutedOn !== self) return `on ${report.ExecutedOn}`;
  return report.ExecutedOn ? `here (${report.ExecutedOn})` : "here";
}

/**
 * Invocations on the wire: the body of `POST /invoke/<function>`, the execution report it
 * answers (and `GET /poll/<ReqId>` returns), the async answer, and the header a node adds when
 * it offloads a request to another. Field names and times (seconds) are Serverledge's.
 *
 * @module
 */

/** An invocation request, Serverledge's fields, every default applied. */
export interface InvocationRequest {
  /** Parameters handed to the function. */
  Params: Record<string, unknown>;
  /** Whether the node may run the request elsewhere. @default true */
  CanDoOffloading: boolean;
  /** Answer at once with a `ReqId` and store the report for polling. @default false */
  Async: boolean;
  /** QoS class number (see `QOS_CLASSES` in `qos.ts`). @default 0 */
  QoSClass: number;
  /** Maximum acceptable response time in seconds; negative or 0 means none. @default -1 */
  QoSMaxRespT: number;
  /** Return the function's stdout/stderr in `Output`. @default false */
  ReturnOutput: boolean;
}

/**
 * The body a client sends to `POST /invoke/<function>`: every field optional, and the QoS class
 * may be given by name (`"high_performance"`) as well as by number.
 */
export type InvocationRequestBody =
  & Partial<Omit<InvocationRequest, "QoSClass">>
  & { QoSClass?: number | string };

/** What `POST /invoke/:fn` answers and `GET /poll/:reqId` returns for async requests. */
export interface ExecutionReport {
  /** Whether the function returned normally. */
  Success: boolean;
  /** JSON text of the function's return value (empty on failure). */
  Result: string;
  /** Seconds from the request's arrival to the answer. */
  ResponseTime: number;
  /** Whether a warm container served it. */
  IsWarmStart: boolean;
  /** Seconds spent starting a container (0 when warm). */
  InitTime: number;
  /** Seconds added by forwarding to another node (0 when run here). */
  OffloadLatency: number;
  /** Seconds the function ran inside its container. */
  Duration: number;
  /** Scheduling decision: `""` when run here, `"O"` when offloaded (as Serverledge). */
  SchedAction: string;
  /** Captured stdout/stderr when `ReturnOutput` was asked for. */
  Output: string;
  /** Why the invocation failed, when `Success` is false. */
  Error?: string;
  /** Id of the node that ran the function (not in Serverledge's report; extra field). */
  ExecutedOn?: string;
}

/** What an async invocation answers at once. */
export interface AsyncAnswer {
  /** Id to poll with `GET /poll/<ReqId>`. */
  ReqId: string;
}

/** Header naming the node that offloaded a request (the receiver then runs it itself). */
export const OFFLOADED_FROM_HEADER = "Serverledge-Offloaded-From";

/** Whether `value` is an execution report (as opposed to an error answer). */
export function isExecutionReport(value: unknown): value is ExecutionReport {
  return typeof value === "object" && value !== null && "Success" in value &&
    "ResponseTime" in value;
}

/**
 * The execution report returned for an invocation (Serverledge's fields; times in seconds).
 *
 * @module
 */

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

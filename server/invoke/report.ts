/**
 * Every execution report the node answers is built here: for a run on this node, for a run
 * at another node (offloaded), and for a request that could not run at all.
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { Invocation } from "./invocation.ts";

/** How a local run went, from the function's side. */
export type RunOutcome = Pick<ExecutionReport, "Success" | "Result" | "Output" | "Error">;

/** How the container was obtained. */
export interface ContainerTiming {
  /** Whether a warm container served the run. */
  warm: boolean;
  /** Seconds spent starting and initialising a container (0 when warm). */
  initTime: number;
}

/**
 * The report of a run on this node.
 *
 * @param started `performance.now()` when the executor was called
 * @param nodeId this node's id (`ExecutedOn`)
 */
export function localReport(
  invocation: Invocation,
  container: ContainerTiming,
  started: number,
  outcome: RunOutcome,
  nodeId: string,
): ExecutionReport {
  const now = performance.now();
  return {
    ...outcome,
    ResponseTime: (now - invocation.arrival) / 1000,
    IsWarmStart: container.warm,
    InitTime: container.initTime,
    OffloadLatency: 0,
    Duration: (now - started) / 1000,
    SchedAction: "",
    ExecutedOn: nodeId,
  };
}

/**
 * The report of a run at another node: its report, with `SchedAction: "O"`, the time not spent
 * inside the peer as `OffloadLatency`, and `ResponseTime` from the arrival here.
 *
 * @param sent `performance.now()` when the request was forwarded
 * @param peerId the peer's id, for a report that names no node
 */
export function offloadedReport(
  remote: ExecutionReport,
  invocation: Invocation,
  sent: number,
  peerId: string,
): ExecutionReport {
  const now = performance.now();
  return {
    ...remote,
    ResponseTime: (now - invocation.arrival) / 1000,
    OffloadLatency: Math.max(0, (now - sent) / 1000 - (remote.ResponseTime ?? 0)),
    SchedAction: "O",
    ExecutedOn: remote.ExecutedOn ?? peerId,
  };
}

/** The report of a request that could not run, saying why. */
export function failedReport(error: string): ExecutionReport {
  return {
    Success: false,
    Result: "",
    ResponseTime: 0,
    IsWarmStart: false,
    InitTime: 0,
    OffloadLatency: 0,
    Duration: 0,
    SchedAction: "",
    Output: "",
    Error: error,
  };
}

/**
 * Forwards an invocation to another node over HTTP. The forwarded request carries
 * `CanDoOffloading: false` and the `Serverledge-Offloaded-From` header, so the receiver runs it
 * itself (no ping-pong).
 *
 * @module
 */
import type { ExecutionReport } from "../invoke/report.ts";
import type { InvocationRequest } from "../invoke/request.ts";
import type { Peer } from "./peer.ts";

/** Header naming the node that offloaded a request. */
export const OFFLOADED_FROM_HEADER = "Serverledge-Offloaded-From";

/** Seconds added to the function's timeout for the network and a cold start at the peer. */
const MARGIN_S = 15;

/** An offload that did not produce a report. */
export class OffloadError extends Error {
  /** Whether the request may be tried elsewhere (it did not run, or the peer is gone). */
  readonly retryable: boolean;

  /** @param message what happened @param retryable whether to try another target */
  constructor(message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.retryable = retryable;
    this.name = "OffloadError";
  }
}

/**
 * Runs `request` for `fn` on `peer` and returns its report with `SchedAction: "O"`,
 * `OffloadLatency` (time not spent inside the peer) and `ResponseTime` from `arrival`.
 */
export async function forwardInvocation(
  peer: Peer,
  fn: { name: string; timeout: number },
  request: InvocationRequest,
  origin: string,
  arrival: number,
): Promise<ExecutionReport> {
  const sent = performance.now();
  const signal = AbortSignal.timeout((fn.timeout + MARGIN_S) * 1000);
  let response: Response;
  try {
    response = await fetch(`${peer.url}/invoke/${encodeURIComponent(fn.name)}`, {
      method: "POST",
      headers: { "content-type": "application/json", [OFFLOADED_FROM_HEADER]: origin },
      body: JSON.stringify({
        Params: request.Params,
        QoSClass: request.QoSClass,
        QoSMaxRespT: request.QoSMaxRespT,
        ReturnOutput: request.ReturnOutput,
        CanDoOffloading: false,
        Async: false,
      }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) {
      throw new OffloadError(
        `Node "${peer.id}" did not answer within ${fn.timeout + MARGIN_S} s`,
        false,
        {
          cause: error,
        },
      );
    }
    throw new OffloadError(`Node "${peer.id}" at ${peer.url} is unreachable`, true, {
      cause: error,
    });
  }
  let body: Record<string, unknown>;
  try {
    body = await response.json();
  } catch (error) {
    throw new OffloadError(`Node "${peer.id}" answered ${response.status} without JSON`, true, {
      cause: error,
    });
  }
  if (!("Success" in body)) {
    throw new OffloadError(
      `Node "${peer.id}" could not run the request (${response.status}): ${
        body.Error ?? "no reason"
      }`,
      true,
    );
  }
  const report = body as unknown as ExecutionReport;
  const now = performance.now();
  return {
    ...report,
    ResponseTime: (now - arrival) / 1000,
    OffloadLatency: Math.max(0, (now - sent) / 1000 - (report.ResponseTime ?? 0)),
    SchedAction: "O",
    ExecutedOn: report.ExecutedOn ?? peer.id,
  };
}

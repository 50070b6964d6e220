/**
 * Forwards an invocation to another node over HTTP. The forwarded request carries
 * `CanDoOffloading: false` and the `Serverledge-Offloaded-From` header, so the receiver runs it
 * itself (no ping-pong), and this node's cluster credential, which the receiver trusts in place
 * of the client's token (this node authorized the client).
 *
 * @module
 */
import {
  type ExecutionReport,
  type InvocationRequest,
  OFFLOADED_FROM_HEADER,
} from "../../protocol/invocation.ts";
import type { Peer } from "../cluster/peer.ts";
import type { Invocation } from "./invocation.ts";
import { offloadedReport } from "./report.ts";

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

/** Who forwards an invocation. */
export interface Sender {
  /** This node's id, sent as the request's origin. */
  self: string;
  /** Headers that prove this node is part of the deployment (its cluster credential). */
  headers: Readonly<Record<string, string>>;
}

/** Runs `invocation` on `peer` and returns the report (see `offloadedReport`). */
export async function forwardInvocation(
  peer: Peer,
  invocation: Invocation,
  sender: Sender,
): Promise<ExecutionReport> {
  const { fn, request } = invocation;
  const timeoutSeconds = fn.definition.Timeout + MARGIN_S;
  const sent = performance.now();
  const signal = AbortSignal.timeout(timeoutSeconds * 1000);
  const body: InvocationRequest = {
    Params: request.Params,
    QoSClass: request.QoSClass,
    QoSMaxRespT: request.QoSMaxRespT,
    ReturnOutput: request.ReturnOutput,
    CanDoOffloading: false,
    Async: false,
  };
  let response: Response;
  try {
    response = await fetch(`${peer.url}/invoke/${encodeURIComponent(fn.definition.Name)}`, {
      method: "POST",
      headers: {
        ...sender.headers,
        "content-type": "application/json",
        [OFFLOADED_FROM_HEADER]: sender.self,
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted) {
      throw new OffloadError(`Node "${peer.id}" did not answer within ${timeoutSeconds} s`, false, {
        cause: error,
      });
    }
    throw new OffloadError(`Node "${peer.id}" at ${peer.url} is unreachable`, true, {
      cause: error,
    });
  }
  let answer: unknown;
  try {
    answer = await response.json();
  } catch (error) {
    throw new OffloadError(`Node "${peer.id}" answered ${response.status} without JSON`, true, {
      cause: error,
    });
  }
  // A Go node answers some refusals with a JSON string (`""` for an unknown function).
  if (typeof answer !== "object" || answer === null || !("Success" in answer)) {
    const reason = (answer as { Error?: unknown } | null)?.Error ?? "no reason";
    throw new OffloadError(
      `Node "${peer.id}" could not run the request (${response.status}): ${reason}`,
      true,
    );
  }
  return offloadedReport(answer as unknown as ExecutionReport, invocation, sent, peer.id);
}

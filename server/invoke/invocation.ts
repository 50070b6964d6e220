/**
 * One invocation as it flows from the route to the executor (here or at another node): its
 * id, the function, the request, when it arrived and which node sent it here, if any.
 *
 * @module
 */
import type { InvocationRequest } from "../../protocol/invocation.ts";
import { NotFoundError } from "../errors.ts";
import type { DeployedFunction } from "../functions/deployed.ts";

/** An invocation being served. */
export interface Invocation {
  /** Request id (`ReqId` of async requests): the function name, `-`, a UUID. */
  readonly id: string;
  /** The function to run. */
  readonly fn: DeployedFunction;
  /** The request, defaults applied. */
  readonly request: InvocationRequest;
  /** `performance.now()` when the request arrived. */
  readonly arrival: number;
  /** Id of the node that offloaded it here; `undefined` when a client sent it. */
  readonly origin?: string;
}

/** Characters of the UUID that ends a request id. */
const UUID_LENGTH = 36;
/** What {@linkcode newRequestId} makes. */
const REQUEST_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

/** A new request id: the function name, then a part unique across nodes. */
export function newRequestId(functionName: string): string {
  return `${functionName}-${crypto.randomUUID()}`;
}

/**
 * The name of the function a request id belongs to (the part before its UUID).
 *
 * @throws {NotFoundError} when `reqId` does not have the form of a request id (no request has it)
 */
export function functionOfRequest(reqId: string): string {
  if (!REQUEST_ID.test(reqId)) {
    throw new NotFoundError(`Request "${reqId.slice(0, 120)}" is unknown or its report expired`);
  }
  return reqId.slice(0, reqId.length - UUID_LENGTH - 1);
}

/**
 * A new invocation of `fn` with a fresh id.
 *
 * @param arrival `performance.now()` when the request arrived
 * @param origin the node that offloaded it here, if any
 */
export function newInvocation(
  fn: DeployedFunction,
  request: InvocationRequest,
  arrival: number,
  origin?: string,
): Invocation {
  return { id: newRequestId(fn.definition.Name), fn, request, arrival, origin };
}

/**
 * One invocation as it flows from the route to the executor (here or at another node): its
 * id, the function, the request, when it arrived and which node sent it here, if any.
 *
 * @module
 */
import type { InvocationRequest } from "../../protocol/invocation.ts";
import { NotFoundError } from "../errors.ts";
import type { DeployedFunction } from "../functions/deployed.ts";
import { FUNCTION_NAME } from "../functions/parse_definition.ts";

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
 * Serverledge's (Go) request ids, which a Go node on the same etcd answers (`GET /poll` here
 * reads its results): the function name, `-`, the last 5 characters of the node's registry key
 * (digits of its registration time, in Serverledge's key layout, but any key character is taken),
 * and the nanoseconds of the arrival's second (1 to 9 digits, not padded).
 */
const GO_REQUEST_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}-[A-Za-z0-9_.-]{5}[0-9]{1,9}$/;

/**
 * The names of the functions a request id may belong to: the one before its UUID for this
 * node's ids; for a Go node's id, every name it can be read with (a name with `-` followed by
 * characters of the node's key can be read more than one way), so that access is granted only
 * when every reading allows it.
 *
 * @throws {NotFoundError} when `reqId` has the form of no request id (no request has it)
 */
export function functionsOfRequest(reqId: string): readonly string[] {
  if (REQUEST_ID.test(reqId)) return [reqId.slice(0, reqId.length - UUID_LENGTH - 1)];
  if (!GO_REQUEST_ID.test(reqId)) {
    throw new NotFoundError(`Request "${reqId.slice(0, 120)}" is unknown or its report expired`);
  }
  const names: string[] = [];
  for (let digits = 1; digits <= 9; digits++) {
    const name = reqId.slice(0, reqId.length - digits - 6);
    const tail = reqId.slice(reqId.length - digits);
    if (/^[0-9]+$/.test(tail) && reqId[name.length] === "-" && FUNCTION_NAME.test(name)) {
      names.push(name);
    }
  }
  return [...new Set(names)];
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

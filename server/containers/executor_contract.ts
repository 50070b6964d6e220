/**
 * The two executor contracts a function image may speak, and how the node tells them apart:
 *
 * - `init`, this node's: `GET /health`, `POST /init` (the code), `POST /invoke`;
 * - `serverledge`, Serverledge's custom images: only `POST /invoke` on port 8080, with the code
 *   copied into {@linkcode SERVERLEDGE_CODE_DIR} before the container starts.
 *
 * An image says which with {@linkcode CONTRACT_LABEL}; an image whose executor listens on a
 * Unix socket speaks `init` (Serverledge's executors know no socket); any other image is
 * `unknown` until its first container answers `GET /health`: 2xx is `init`, any other answer
 * with a missing route (404, 405, 501) is `serverledge`. This module is pure: the decisions and
 * the mapping of bodies.
 *
 * @module
 */
import type {
  ExecutorReply,
  ExecutorRequest,
  ServerledgeInvocationRequest,
} from "../../protocol/executor.ts";
import { UnavailableError } from "../errors.ts";

/** Which contract an image's executor speaks, as far as the node knows. */
export type ExecutorContract = "init" | "serverledge" | "unknown";
/** A contract an executor was seen or declared to speak. */
export type KnownContract = Exclude<ExecutorContract, "unknown">;

/** Image label naming the contract: `init` or `serverledge`. */
export const CONTRACT_LABEL = "serverledge.executor.contract";
/** Where Serverledge copies a function's code, and tells its executor it is (`HandlerDir`). */
export const SERVERLEDGE_CODE_DIR = "/app";

/**
 * The contract of `image` from its {@linkcode CONTRACT_LABEL} and whether its executor listens
 * on a Unix socket.
 *
 * @example
 * ```ts
 * import { imageContract } from "./executor_contract.ts";
 *
 * console.log(imageContract("mine", "serverledge", false)); // serverledge
 * console.log(imageContract("mine", undefined, true)); // init
 * console.log(imageContract("mine", undefined, false)); // unknown
 * ```
 *
 * @throws {UnavailableError} for any other value of the label
 */
export function imageContract(
  image: string,
  label: string | undefined,
  unixSocket: boolean,
): ExecutorContract {
  if (label === "init" || label === "serverledge") return label;
  if (label !== undefined && label !== "") {
    throw new UnavailableError(
      `Image "${image}" sets the label ${CONTRACT_LABEL} to "${label}": make it "serverledge" ` +
        `(its executor serves only POST /invoke on port 8080 and finds the code in ` +
        `${SERVERLEDGE_CODE_DIR}) or "init" (GET /health, POST /init, POST /invoke)`,
    );
  }
  return unixSocket ? "init" : "unknown";
}

/** Statuses by which an HTTP server says it has no such route (or method). */
const MISSING_ROUTE = new Set([404, 405, 501]);

/**
 * What an answer `status` to `GET /health` says of an executor of `contract`: the contract it
 * speaks (`init` on 2xx; `serverledge` when the route is missing, or on any answer when the
 * image declared Serverledge's contract), or `undefined` while it is not ready yet.
 *
 * @example
 * ```ts
 * import { contractFromHealth } from "./executor_contract.ts";
 *
 * console.log(contractFromHealth("unknown", 200)); // init
 * console.log(contractFromHealth("unknown", 404)); // serverledge
 * console.log(contractFromHealth("init", 503)); // undefined
 * ```
 */
export function contractFromHealth(
  contract: ExecutorContract,
  status: number,
): KnownContract | undefined {
  if (contract === "serverledge") return "serverledge";
  if (status >= 200 && status < 300) return "init";
  if (contract === "unknown" && MISSING_ROUTE.has(status)) return "serverledge";
  return undefined;
}

/**
 * This node's invocation in Serverledge's fields (its request context has no place there).
 *
 * @example
 * ```ts
 * import { toServerledgeRequest } from "./executor_contract.ts";
 *
 * const body = toServerledgeRequest({
 *   Handler: "f", Params: { n: "1" }, ReturnOutput: true, Context: { RequestId: "r" },
 * });
 * console.log(body.HandlerDir); // /app
 * ```
 */
export function toServerledgeRequest(request: ExecutorRequest): ServerledgeInvocationRequest {
  return {
    Handler: request.Handler,
    HandlerDir: SERVERLEDGE_CODE_DIR,
    Params: request.Params,
    ReturnOutput: request.ReturnOutput,
  };
}

/**
 * An executor's answer as this node reports it, or `undefined` when it holds no report (not
 * an object with `Success`). Both contracts answer in the same field names; Serverledge's
 * sends no `Output` unless asked for (read as empty) and no `Error`: a failure's `Result`,
 * when it has one, says why.
 *
 * @example
 * ```ts
 * import { readReply } from "./executor_contract.ts";
 *
 * console.log(readReply({ Success: true, Result: "3" })?.Output); // ""
 * console.log(readReply([])); // undefined
 * ```
 */
export function readReply(reply: unknown): ExecutorReply | undefined {
  if (typeof reply !== "object" || reply === null || !("Success" in reply)) return undefined;
  const { Success, Result, Output, Error: error, Duration } = reply as Partial<ExecutorReply>;
  const result = typeof Result === "string" ? Result : "";
  return {
    Success: Success === true,
    Result: result,
    Output: typeof Output === "string" ? Output : "",
    Error: typeof error === "string"
      ? error
      : Success !== true && result !== ""
      ? result
      : undefined,
    ...(typeof Duration === "number" && Duration >= 0 && Number.isFinite(Duration)
      ? { Duration }
      : {}),
  };
}

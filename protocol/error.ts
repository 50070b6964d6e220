/**
 * Error answers on the wire: every non-2xx answer of a node carries `{"Error": "<message>"}`
 * (a failed function answers HTTP 500 with its execution report instead). Clients turn them
 * into an {@linkcode ApiError}.
 *
 * @module
 */

/** The body of an error answer. */
export interface ErrorBody {
  /** What went wrong, one sentence without trailing period. */
  Error: string;
}

/** An error answer of a node, or no answer at all (`status` 0). */
export class ApiError extends Error {
  /** HTTP status of the answer; 0 when the node could not be reached. */
  readonly status: number;
  /** The answer's parsed body (`undefined` when it was not JSON). */
  readonly body: unknown;

  /**
   * An error answer.
   *
   * @param status HTTP status of the answer (0: no answer)
   * @param message the node's explanation (see {@linkcode errorMessage})
   * @param body the answer's parsed body
   */
  constructor(status: number, message: string, body?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  /** Whether the node asks for (another) token. */
  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/**
 * The message of an error answer: the node's `Error` text when the body has one, else the
 * status (and its text) with the start of the raw body.
 *
 * @example
 * ```ts
 * import { errorMessage } from "./error.ts";
 *
 * console.log(errorMessage(404, { Error: 'Function "f" does not exist' })); // the node's text
 * // "The node answered HTTP 502 Bad Gateway: down"
 * console.log(errorMessage(502, undefined, "down", "Bad Gateway"));
 * ```
 */
export function errorMessage(status: number, body: unknown, text = "", statusText = ""): string {
  if (typeof body === "object" && body !== null && "Error" in body) {
    const error = (body as { Error: unknown }).Error;
    if (typeof error === "string" && error !== "") return error;
  }
  const detail = text.trim().slice(0, 200);
  return `The node answered HTTP ${status}${statusText ? ` ${statusText}` : ""}` +
    (detail ? `: ${detail}` : "");
}

/**
 * Typed errors that cross module boundaries. Each carries the HTTP status the API answers with,
 * so route handlers never match on message strings; {@linkcode errorResponse} is the answer
 * each one becomes.
 *
 * @module
 */
import type { ErrorBody } from "../protocol/error.ts";

/** Options of an {@linkcode HttpError}: a cause, and headers its answer carries. */
export interface HttpErrorOptions extends ErrorOptions {
  /** Headers of the answer besides its JSON body, e.g. `{ "retry-after": "1" }`. */
  headers?: Readonly<Record<string, string>>;
}

/** An error the API turns into an answer with {@linkcode HttpError.status} and its message. */
export class HttpError extends Error {
  /** HTTP status code of the answer. */
  readonly status: number;
  /** Headers of the answer besides its JSON body (empty for most errors). */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param status HTTP status code of the answer
   * @param message human-readable explanation, sentence case, no trailing period
   */
  constructor(status: number, message: string, options?: HttpErrorOptions) {
    super(message, options);
    this.status = status;
    this.headers = options?.headers ?? {};
    this.name = new.target.name;
  }
}

/**
 * The answer an {@linkcode HttpError} stands for: its status, its headers and the JSON body
 * `{"Error": "<message>"}`.
 *
 * @example
 * ```ts
 * import { errorResponse, UnavailableError } from "./errors.ts";
 *
 * const answer = errorResponse(
 *   new UnavailableError("The node is busy: retry shortly", { headers: { "retry-after": "1" } }),
 * );
 * console.log(answer.status, answer.headers.get("retry-after")); // 503 "1"
 * ```
 */
export function errorResponse(error: HttpError): Response {
  const body: ErrorBody = { Error: error.message };
  return Response.json(body, { status: error.status, headers: error.headers });
}

/**
 * The answer to any `error` thrown while serving `route` (method and target): an
 * {@linkcode HttpError}'s own, else a 500, logged (it is a bug or an outage, not the client's).
 */
export function answerToError(error: unknown, route: string): Response {
  if (error instanceof HttpError) return errorResponse(error);
  console.error(`Unexpected error on ${route}:`, error);
  return errorResponse(new HttpError(500, `Internal error: ${(error as Error).message}`));
}

/** 400: the request is malformed or a field is invalid. */
export class BadRequestError extends HttpError {
  /** @param message what is wrong with the request */
  constructor(message: string, options?: ErrorOptions) {
    super(400, message, options);
  }
}

/**
 * 401: the request carries no token, or one the node does not know; the answer asks for a
 * bearer token (`WWW-Authenticate`).
 */
export class UnauthorizedError extends HttpError {
  /** @param message what is missing and how to get a token */
  constructor(message: string, options?: ErrorOptions) {
    super(401, message, {
      ...options,
      headers: { "www-authenticate": 'Bearer realm="serverledge"' },
    });
  }
}

/**
 * 403: the request is not allowed: its token (or cluster credential) may not do it, or it comes
 * from a web page of a foreign origin.
 */
export class ForbiddenError extends HttpError {
  /** @param message what is not allowed, and what would allow it */
  constructor(message: string, options?: ErrorOptions) {
    super(403, message, options);
  }
}

/** 404: the named function, runtime or request does not exist. */
export class NotFoundError extends HttpError {
  /** @param message what was not found */
  constructor(message: string, options?: ErrorOptions) {
    super(404, message, options);
  }
}

/** 408: the client took too long to send its request head or body. */
export class RequestTimeoutError extends HttpError {
  /** @param message which part of the request did not arrive in time */
  constructor(message: string, options?: ErrorOptions) {
    super(408, message, options);
  }
}

/** 409: the function already exists. */
export class ConflictError extends HttpError {
  /** @param message what conflicts */
  constructor(message: string, options?: ErrorOptions) {
    super(409, message, options);
  }
}

/** 413: the body or the function code is too large. */
export class PayloadTooLargeError extends HttpError {
  /** @param message which limit was exceeded */
  constructor(message: string, options?: ErrorOptions) {
    super(413, message, options);
  }
}

/** 415: a request body is not declared as JSON. */
export class UnsupportedMediaTypeError extends HttpError {
  /** @param message which `Content-Type` was sent, and which one to send */
  constructor(message: string, options?: ErrorOptions) {
    super(415, message, options);
  }
}

/** 421: the request names a host (its `Host` header) this node does not answer to. */
export class MisdirectedRequestError extends HttpError {
  /** @param message which host was named, and how to allow it */
  constructor(message: string, options?: ErrorOptions) {
    super(421, message, options);
  }
}

/** 429: the node has no capacity for the request right now. */
export class OverloadedError extends HttpError {
  /** @param message why the request cannot be served */
  constructor(message: string, options?: ErrorOptions) {
    super(429, message, options);
  }
}

/** 431: the request head (request line and headers) is larger than the node reads. */
export class HeadTooLargeError extends HttpError {
  /** @param message the limit that was exceeded */
  constructor(message: string, options?: ErrorOptions) {
    super(431, message, options);
  }
}

/** 502: a node behind the load balancer failed before it answered. */
export class BadGatewayError extends HttpError {
  /** @param message which node failed and how */
  constructor(message: string, options?: HttpErrorOptions) {
    super(502, message, options);
  }
}

/**
 * 503: a backing service (Docker, the registry) is unavailable, or the node cannot take the
 * request right now (then with a `retry-after` header).
 */
export class UnavailableError extends HttpError {
  /** @param message which service failed, or why the node cannot take the request */
  constructor(message: string, options?: HttpErrorOptions) {
    super(503, message, options);
  }
}

/**
 * 504: a backing service (the registry) did not answer in time, so whether the change asked
 * for was applied is unknown; the message says how to find out.
 */
export class OutcomeUnknownError extends HttpError {
  /** @param message what may or may not have happened, and how to check */
  constructor(message: string, options?: ErrorOptions) {
    super(504, message, options);
  }
}

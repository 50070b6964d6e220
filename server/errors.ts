/**
 * Typed errors that cross module boundaries. Each carries the HTTP status the API answers with,
 * so route handlers never match on message strings.
 *
 * @module
 */

/** An error the API turns into an answer with {@linkcode HttpError.status} and its message. */
export class HttpError extends Error {
  /** HTTP status code of the answer. */
  readonly status: number;

  /**
   * @param status HTTP status code of the answer
   * @param message human-readable explanation, sentence case, no trailing period
   */
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or a field is invalid. */
export class BadRequestError extends HttpError {
  /** @param message what is wrong with the request */
  constructor(message: string, options?: ErrorOptions) {
    super(400, message, options);
  }
}

/** 401: the request carries no token, or one the node does not know. */
export class UnauthorizedError extends HttpError {
  /** @param message what is missing and how to get a token */
  constructor(message: string, options?: ErrorOptions) {
    super(401, message, options);
  }
}

/** 403: the token (or the cluster credential) does not allow this request. */
export class ForbiddenError extends HttpError {
  /** @param message what the token may not do */
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

/** 429: the node has no capacity for the request right now. */
export class OverloadedError extends HttpError {
  /** @param message why the request cannot be served */
  constructor(message: string, options?: ErrorOptions) {
    super(429, message, options);
  }
}

/** 503: a backing service (Docker, the registry) is unavailable. */
export class UnavailableError extends HttpError {
  /** @param message which service failed */
  constructor(message: string, options?: ErrorOptions) {
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

/**
 * Every `POST` must declare its body as JSON (`Content-Type: application/json`, parameters
 * such as `charset` allowed), else 415. A web page can send a `text/plain` or form body to any
 * address without asking first (no CORS preflight); a JSON body it cannot, so this closes the
 * way for pages to post to a node on the operator's machine.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { UnsupportedMediaTypeError } from "../errors.ts";

/**
 * Middleware refusing a `POST` whose `Content-Type` is not `application/json`, with 415; a
 * request it lets through goes on at once (no `await` of its own).
 */
export function jsonContentType(): MiddlewareHandler {
  return (c, next) => {
    if (c.req.method === "POST") {
      const type = c.req.header("content-type");
      if (!isJsonContentType(type)) {
        throw new UnsupportedMediaTypeError(
          type === undefined
            ? 'Request has no Content-Type: send its JSON body with "Content-Type: application/json"'
            : `Content-Type "${type.slice(0, 100)}" is not JSON: send the body with ` +
              '"Content-Type: application/json"',
        );
      }
    }
    return next();
  };
}

/** Whether a `Content-Type` value (as `Headers.get` gives it) declares JSON. */
export function isJsonContentType(type: string | undefined): boolean {
  return type?.split(";")[0].trim().toLowerCase() === "application/json";
}

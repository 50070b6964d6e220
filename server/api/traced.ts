/**
 * A middleware that serves a request inside a server span (see `server/tracing/`), continuing
 * the caller's trace; the span records the route's parameters and the answer's status.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { serverSpan, tracingActive } from "../tracing/tracing.ts";

/** Serves each request in a span named by `name`; passes requests on when tracing is off. */
export function traced(name: (c: Context) => string): MiddlewareHandler {
  if (!tracingActive()) return (_c, next) => next();
  return (c, next) => {
    const attributes = Object.fromEntries(
      Object.entries(c.req.param()).map(([key, value]) => [`serverledge.${key}`, value]),
    );
    return serverSpan(c.req.raw.headers, name(c), attributes, async (span) => {
      await next();
      span?.setAttribute("http.response.status_code", c.res.status);
    });
  };
}

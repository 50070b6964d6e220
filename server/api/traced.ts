/**
 * Server spans of routes (see `server/tracing/`): each request of a traced route is served inside
 * a span that continues the caller's trace and records the route's parameters and the answer's
 * status. Without tracing nothing is registered, so the route keeps its single handler.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { serverSpan, tracingActive } from "../tracing/tracing.ts";

/** Serves the requests of `app` to `path` in spans named by `name`, when tracing is on. */
export function traceRoute(app: Hono, path: string, name: (c: Context) => string): void {
  if (!tracingActive()) return;
  app.use(path, (c, next) => {
    const attributes = Object.fromEntries(
      Object.entries(c.req.param()).map(([key, value]) => [`serverledge.${key}`, value]),
    );
    return serverSpan(c.req.raw.headers, name(c), attributes, async (span) => {
      await next();
      span?.setAttribute("http.response.status_code", c.res.status);
    });
  });
}

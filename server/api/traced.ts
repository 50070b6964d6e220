/**
 * Server spans of routes (see `server/tracing/`): each request of a traced route is served inside
 * a span that continues the caller's trace and records its method, the route and its parameters,
 * and the answer's status. Without tracing nothing is registered, so the route keeps its single
 * handler.
 *
 * @module
 */
import type { Context, Env, Hono } from "hono";
import { recordAnswer, serverSpan, tracingActive } from "../tracing/tracing.ts";

/**
 * Serves the requests of `app` to `path` in spans named by `name`, when tracing is on; a span
 * is failed when its answer is a 5xx.
 */
export function traceRoute<E extends Env>(
  app: Hono<E>,
  path: string,
  name: (c: Context<E>) => string,
): void {
  if (!tracingActive()) return;
  app.use(path, (c, next) => {
    const params: Record<string, string> = c.req.param();
    const attributes = {
      "http.request.method": c.req.method,
      "http.route": path,
      ...Object.fromEntries(
        Object.entries(params).map(([key, value]) => [`serverledge.${key}`, value]),
      ),
    };
    return serverSpan(c.req.raw.headers, name(c), attributes, async (span) => {
      await next();
      recordAnswer(span, c.res.status, c.error);
    });
  });
}

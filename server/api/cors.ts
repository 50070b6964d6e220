/**
 * Cross-origin browser requests, off unless configured: a request with an `Origin` that is not
 * the node's own (the host and port the request was sent to, whatever the scheme: a TLS proxy in
 * front changes only that) is refused with 403, preflight `OPTIONS` included, unless
 * `api.cors.origins` lists that origin. Listed origins get
 * the CORS answers browsers need (`Access-Control-Allow-Origin`, and for a preflight the
 * methods and the `Authorization` and `Content-Type` headers). Requests without `Origin`
 * (other programs, same-origin page loads) pass.
 *
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { ForbiddenError } from "../errors.ts";

const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Middleware applying the CORS rules for `origins` (`api.cors.origins`: web origins, or `*`
 * for any).
 */
export function corsCheck(origins: readonly string[]): MiddlewareHandler {
  const any = origins.includes("*");
  const allowed = new Set(origins.filter((o) => o !== "*").map((o) => new URL(o).origin));
  const crossOrigin = async (c: Context, next: Next, origin: string) => {
    if (origin === "null" || (!any && !allowed.has(origin))) {
      throw new ForbiddenError(
        `Origin "${origin.slice(0, 100)}" may not call this node from a browser: add it to ` +
          "api.cors.origins to allow its pages",
      );
    }
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
      return c.body(null, 204, {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": "Authorization, Content-Type",
        "access-control-max-age": String(PREFLIGHT_MAX_AGE_SECONDS),
        vary: "Origin",
      });
    }
    await next();
    c.res.headers.set("access-control-allow-origin", origin);
    c.res.headers.append("vary", "Origin");
  };
  // A request without a foreign origin (nearly all) goes on at once, without a turn of its own.
  return (c, next) => {
    const origin = c.req.header("origin");
    if (origin === undefined || isOwnOrigin(origin, c.req.url)) return next();
    return crossOrigin(c, next, origin);
  };
}

/** Whether `origin` names the host and port `url` was sent to (the node's own pages). */
function isOwnOrigin(origin: string, url: string): boolean {
  return URL.canParse(origin) && new URL(origin).host === new URL(url).host;
}

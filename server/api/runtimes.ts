/**
 * `GET /runtimes`: the node's runtime catalog (for the dashboard and the CLI).
 *
 * @module
 */
import { Hono } from "hono";
import type { RuntimeInfo } from "../../protocol/function.ts";
import { RUNTIMES } from "../runtimes/catalog.ts";

/** The runtime catalog route. */
export function runtimeRoutes(): Hono {
  const app = new Hono();
  const catalog = RUNTIMES.map((r): RuntimeInfo => ({
    Name: r.name,
    Aliases: r.aliases,
    Language: r.language,
    HandlerFormat: r.handlerFormat,
    Concurrent: r.concurrent,
  }));
  app.get("/runtimes", (c) => c.json(catalog));
  return app;
}

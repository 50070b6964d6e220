/**
 * Builds the node's Hono app from its parts; no logic of its own beyond error mapping.
 *
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ErrorBody } from "../protocol/error.ts";
import type { Gatekeeper } from "./auth/gatekeeper.ts";
import { HttpError, UnauthorizedError } from "./errors.ts";
import { accessControl } from "./api/access.ts";
import { functionRoutes } from "./api/functions.ts";
import { invokeRoutes } from "./api/invoke.ts";
import { prewarmRoutes } from "./api/prewarm.ts";
import type { NodeServices } from "./api/services.ts";
import { statusRoutes } from "./api/status.ts";
import { eventRoutes } from "./api/events.ts";
import { metricsRoutes } from "./api/metrics.ts";
import { runtimeRoutes } from "./api/runtimes.ts";
import { dashboardRoutes } from "./api/dashboard.ts";

/** Options of {@linkcode createApp}. */
export interface AppOptions {
  /** Largest request body in bytes. */
  bodyLimitBytes: number;
  /** Whether `/metrics` is served. */
  metricsEnabled: boolean;
  /** Who may do what (see `api/access.ts`). */
  gatekeeper: Gatekeeper;
}

/** The node's HTTP API. */
export function createApp(services: NodeServices, options: AppOptions): Hono {
  const { bodyLimitBytes } = options;
  const app = new Hono();
  app.use(bodyLimit({
    maxSize: bodyLimitBytes,
    onError: (c) =>
      c.json<ErrorBody>({
        Error: `Request body is larger than ${bodyLimitBytes} bytes (the limit)`,
      }, 413),
  }));
  app.use(accessControl(options.gatekeeper));
  app.route("/", functionRoutes(services));
  app.route("/", invokeRoutes(services));
  app.route("/", prewarmRoutes(services));
  app.route("/", statusRoutes(services));
  app.route("/", eventRoutes(services));
  app.route("/", metricsRoutes(services, options.metricsEnabled));
  app.route("/", runtimeRoutes());
  app.route("/", dashboardRoutes());
  app.notFound((c) =>
    c.json<ErrorBody>({ Error: `No route for ${c.req.method} ${c.req.path}` }, 404)
  );
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      if (error instanceof UnauthorizedError) {
        c.header("WWW-Authenticate", 'Bearer realm="serverledge"');
      }
      return c.json<ErrorBody>({ Error: error.message }, error.status as 400);
    }
    console.error(`Unexpected error on ${c.req.method} ${c.req.path}:`, error);
    return c.json<ErrorBody>({ Error: `Internal error: ${(error as Error).message}` }, 500);
  });
  return app;
}

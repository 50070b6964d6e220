/**
 * Builds the node's Hono app from its parts; no logic of its own.
 *
 * @module
 */
import { Hono } from "hono";
import type { Gatekeeper } from "./auth/gatekeeper.ts";
import { accessControl } from "./api/access.ts";
import { answerErrors } from "./api/error_answers.ts";
import { checkedBody } from "./api/json_body.ts";
import { jsonContentType } from "./api/content_type.ts";
import { corsCheck } from "./api/cors.ts";
import { type AllowedHosts, hostCheck } from "./api/host_check.ts";
import { functionRoutes } from "./api/functions.ts";
import { invokeRoutes } from "./api/invoke.ts";
import { prewarmRoutes } from "./api/prewarm.ts";
import type { NodeServices } from "./api/services.ts";
import { statusRoutes } from "./api/status.ts";
import { eventRoutes } from "./api/events.ts";
import { metricsRoutes } from "./api/metrics.ts";
import { runtimeRoutes } from "./api/runtimes.ts";
import { dashboardRoutes } from "./api/dashboard.ts";
import { workflowRoutes } from "./api/workflows.ts";

/** Options of {@linkcode createApp}. */
export interface AppOptions {
  /** Whether `/metrics` is served. */
  metricsEnabled: boolean;
  /** Who may do what (see `api/access.ts`). */
  gatekeeper: Gatekeeper;
  /** Host names requests may name in `Host` (see `nodeHostNames`). */
  hosts: AllowedHosts;
  /** `api.cors.origins`: web origins whose pages may call the API. */
  corsOrigins: readonly string[];
}

/**
 * The node's HTTP API. Before any route, a request must name one of the node's hosts, come
 * from no foreign web origin (unless allowed) and, for a `POST`, carry JSON.
 */
export function createApp(services: NodeServices, options: AppOptions): Hono {
  const app = new Hono();
  app.use(hostCheck(options.hosts));
  app.use(corsCheck(options.corsOrigins));
  app.use(jsonContentType());
  app.use(accessControl(options.gatekeeper, (c) => checkedBody(c, services)));
  app.route("/", functionRoutes(services));
  app.route("/", invokeRoutes(services));
  app.route("/", prewarmRoutes(services));
  app.route("/", workflowRoutes(services));
  app.route("/", statusRoutes(services));
  app.route("/", eventRoutes(services));
  app.route("/", metricsRoutes(services, options.metricsEnabled));
  app.route("/", runtimeRoutes());
  app.route("/", dashboardRoutes());
  answerErrors(app);
  return app;
}

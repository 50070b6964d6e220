/**
 * Serving an HTTP front as the config says: the address, the body limits and timeouts of
 * `api.*`, and the host names requests may name. Shared by the node and `serverledge-lb`.
 *
 * @module
 */
import { machineHostname } from "../config/machine.ts";
import type { Config } from "../config/mod.ts";
import { UnavailableError } from "../errors.ts";
import { type FastLane, type HttpHandler, type HttpServer, serveHttp } from "../http/server.ts";
import { type AllowedHosts, nodeHostNames } from "./host_check.ts";

/**
 * Serves `handler` (after `lane`, when given) on `api.ip`:`api.port` through the node's HTTP
 * front, with the body limit, body budget and timeouts of `config`.
 *
 * @throws {UnavailableError} when the address is in use
 */
export function serveConfigured(
  config: Config,
  handler: HttpHandler,
  lane?: FastLane,
): HttpServer {
  try {
    return serveHttp(
      {
        hostname: config.api.ip,
        port: config.api.port,
        limitBytes: config.limits.bodyBytes,
        budgetBytes: config.http.bodyBudgetBytes,
        headerTimeoutMs: config.http.headerTimeout * 1000,
        idleTimeoutMs: config.http.idleTimeout * 1000,
        bodyTimeoutMs: config.http.bodyTimeout * 1000,
      },
      handler,
      lane,
    );
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new UnavailableError(
      `${config.api.ip}:${config.api.port} is in use: stop what listens there, or set api.port`,
      { cause: error },
    );
  }
}

/** The host names a front reached at `url` answers to, from `api.ip` and `api.hosts`. */
export function configuredHosts(config: Config, url: string): AllowedHosts {
  const wildcard = config.api.ip === "0.0.0.0" || config.api.ip === "::";
  return nodeHostNames({
    apiIp: config.api.ip,
    url,
    hostname: machineHostname({ machine: {}, warnings: [] }),
    interfaceAddresses: wildcard ? Deno.networkInterfaces().map((i) => i.address) : [],
    extra: config.http.hosts,
  });
}

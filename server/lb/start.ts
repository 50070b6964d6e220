/**
 * Starts `serverledge-lb` from a config: `tracing.enabled` checked as for a node, its access
 * rules (the node's: without tokens only on a loopback `api.ip`), the registry when
 * `etcd.address` is set, the targets and their load polls, and its HTTP front on
 * `api.ip`:`api.port`.
 *
 * @module
 */
import { configuredHosts, serveConfigured } from "../api/listen.ts";
import { openAccess } from "../auth/open.ts";
import type { Config } from "../config/mod.ts";
import { requireTracing } from "../config/tracing_required.ts";
import type { HttpServer } from "../http/server.ts";
import { openRegistry } from "../registry/open.ts";
import type { Registry } from "../registry/registry.ts";
import { Balancer } from "./balancer.ts";
import { TargetSources } from "./target_sources.ts";
import { TargetSet } from "./targets.ts";

/** A running balancer. */
export interface RunningBalancer extends AsyncDisposable {
  /** The request handling (its status, for logs and tests). */
  balancer: Balancer;
  /** Its HTTP front. */
  server: HttpServer;
  /** Stops serving, polling and watching, and closes the registry. */
  close(): Promise<void>;
}

/**
 * Starts a balancer as `config` says; `log` gets its progress lines.
 *
 * @throws {ConfigError} when `tracing.enabled` is set without `OTEL_DENO=true`, or `api.ip` is
 * not a loopback address and no tokens are configured
 * @throws {UnavailableError} when etcd cannot be reached or the port is in use
 */
export async function startBalancer(
  config: Config,
  log: (line: string) => void = console.log,
): Promise<RunningBalancer> {
  requireTracing(config.tracingEnabled, "serverledge-lb");
  const access = await openAccess(config, log);
  let registry: Registry | undefined;
  let sources: TargetSources | undefined;
  try {
    if (config.etcd.address) {
      registry = await openRegistry({
        etcdAddress: config.etcd.address,
        etcdSecurity: config.etcd,
        dataDir: config.dataDir,
      });
    }
    const targets = new TargetSet();
    sources = new TargetSources({
      targets,
      registry: registry?.nodes,
      area: config.registry.area,
      staticUrls: config.lb.targets,
      loadIntervalMs: config.lb.loadInterval * 1000,
      retryIntervalMs: config.lb.retryInterval * 1000,
      clusterSecret: config.clusterSecret,
    });
    await sources.start();
    const url = `http://${config.api.ip}:${config.api.port}`;
    const balancer = new Balancer({
      targets,
      area: config.registry.area,
      etcd: registry !== undefined,
      asyncTtlSeconds: config.async.ttl,
      retryIntervalMs: config.lb.retryInterval * 1000,
      gatekeeper: access.gatekeeper,
      hosts: configuredHosts(config, url),
      corsOrigins: config.http.corsOrigins,
    });
    const server = serveConfigured(config, balancer.app.fetch);
    const close = async () => {
      await server.shutdown();
      sources?.close();
      targets.close();
      await registry?.close();
      access.close();
    };
    return { balancer, server, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    sources?.close();
    await registry?.close();
    access.close();
    throw error;
  }
}
